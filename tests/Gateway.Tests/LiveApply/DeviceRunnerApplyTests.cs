using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Modbus;
using Gateway.Hosting;
using Gateway.LiveApply;
using Gateway.Readings;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.LiveApply;

/// <summary>A new device list applied to running drivers: added start, removed stop and vanish, changed restart, the rest keep running.</summary>
public sealed class DeviceRunnerApplyTests : IDisposable
{
    private readonly TempDir _dir = new("gw-devapply");
    private readonly ReadingHub _hub = new(TimeProvider.System, NullLogger<ReadingHub>.Instance);
    private readonly DeviceDirectory _directory = new([]);

    public void Dispose() => _dir.Dispose();

    private static GatewayConfig Devices(string devices) => TestConfig.Load("devices:\n" + devices);

    private DeviceRunner Runner(GatewayConfig config, Func<DeviceOptions, IDeviceDriver> create)
    {
        var drivers = config.Devices.Select(create).ToArray();
        foreach (var d in drivers) _directory.Set(d);
        foreach (var d in config.Devices) _hub.Register(d.Id, d.Type, DeviceDriverFactory.KindOf(d));
        return new DeviceRunner(drivers, _hub, new LoopMonitor(TimeProvider.System), TimeProvider.System, NullLogger<DeviceRunner>.Instance, config, _directory);
    }

    [Fact]
    public async Task Unchanged_devices_keep_their_driver_removed_ones_vanish_and_new_ones_start()
    {
        var before = Devices("""
              - { id: ups, type: nut, ups: a }
              - { id: old, type: nut, ups: b, nut_name: b }
              - { id: moved, type: nut, ups: c, nut_name: c }
            """);
        var after = Devices("""
              - { id: ups, type: nut, ups: a }
              - { id: moved, type: nut, ups: c, nut_name: c, host: 127.0.0.2 }
              - { id: grid, type: em340, port: /dev/null-grid }
            """);
        var made = new List<FakeDeviceDriver>();
        IDeviceDriver Create(DeviceOptions d)
        {
            var f = new FakeDeviceDriver(d.Id, DeviceDriverFactory.KindOf(d));
            lock (made) made.Add(f);
            return f;
        }
        using var runner = Runner(before, Create);
        await runner.StartAsync(CancellationToken.None);
        var ups = _directory.Find("ups");
        var moved = _directory.Find("moved");

        await runner.ApplyAsync(ConfigDiff.Compare(before, after), after.Devices, Create, CancellationToken.None);

        Assert.Same(ups, _directory.Find("ups"));
        Assert.NotSame(moved, _directory.Find("moved"));
        Assert.Null(_directory.Find("old"));
        Assert.Null(_hub.Get("old"));
        Assert.Equal("em340", _hub.Get("grid")!.Type);
        Assert.Equal(["grid", "moved", "ups"], runner.DeviceIds);
        await runner.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_shared_serial_port_is_closed_when_its_last_device_goes()
    {
        var port = Path.Combine(_dir.Path, "no-such-tty");
        var both = Devices($"""
              - {"{"} id: ups, type: must, port: {port} {"}"}
              - {"{"} id: grid, type: em340, port: {port}, address: 2 {"}"}
            """);
        var upsOnly = Devices($"""
              - {"{"} id: ups, type: must, port: {port} {"}"}
            """);
        var none = Devices("  []\n");
        var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new ModbusBuses(TimeProvider.System))
            .BuildServiceProvider();
        var buses = services.GetRequiredService<ModbusBuses>();
        IDeviceDriver Create(DeviceOptions d) => DeviceDriverFactory.Create(d, services, NullLogger.Instance)!;
        using var runner = Runner(both, Create);
        await runner.StartAsync(CancellationToken.None);
        await Wait.UntilAsync(() => buses.UsersOf(port) == 2, "both devices on the bus");

        await runner.ApplyAsync(ConfigDiff.Compare(both, upsOnly), upsOnly.Devices, Create, CancellationToken.None);
        Assert.Equal(1, buses.UsersOf(port));
        Assert.Null(_hub.Get("grid"));

        await runner.ApplyAsync(ConfigDiff.Compare(upsOnly, none), none.Devices, Create, CancellationToken.None);
        Assert.Equal(0, buses.UsersOf(port));
        Assert.Empty(runner.DeviceIds);
        await runner.StopAsync(CancellationToken.None);
        await services.DisposeAsync();
    }
}
