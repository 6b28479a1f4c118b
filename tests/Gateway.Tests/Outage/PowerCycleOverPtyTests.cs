using Gateway.Drivers.Devices;
using Gateway.Drivers.Modbus;
using Gateway.Drivers.Must;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Simulation;
using Gateway.Shutdown.PowerCycle;
using Gateway.Tests.Support;
using Gateway.Tests.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Outage;

/// <summary>The power-cycle through the real MUST driver and Modbus master over a pty, the simulator on the other side.</summary>
[Collection(SerialPtyCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PowerCycleOverPtyTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly CancellationTokenSource _stop = new();
    private PseudoTerminal? _pty;
    private Task? _server;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _pty?.Dispose();
        if (_server is not null) await _server.ContinueWith(_ => { }).WaitAsync(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    [Fact]
    public async Task The_armed_cycle_turns_the_simulated_output_off_after_the_delay_and_mains_brings_it_back()
    {
        var sim = new MustSimulator(TimeProvider.System, seed: 4);
        _pty = PseudoTerminal.Create();
        var server = new ModbusSlaveServer(_pty.MasterStream(), [sim], TimeProvider.System);
        _server = Task.Run(() => server.RunAsync(_stop.Token));
        var driver = new MustDriver(new MustSettings("ups", new SerialSettings(_pty.SlavePath), PollInterval: TimeSpan.FromMilliseconds(200)), TimeProvider.System, NullLogger.Instance);
        var sink = new RecordingSink();
        _ = Task.Run(() => driver.RunAsync(sink, _stop.Token));
        await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>() is not null, Wait, "a MUST reading");

        sim.LoseMains();
        await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>()!.Status.Has(UpsStatusFlags.OB), Wait, "OB");
        var cycle = new UpsPowerCycle("ups", id => id == "ups" ? driver : null, TimeProvider.System, NullLogger.Instance);
        var sinceArm = System.Diagnostics.Stopwatch.StartNew();
        cycle.Arm(TimeSpan.FromMilliseconds(800), "test");
        // Watch the output go off: an observation can only come late, never early, however loaded the machine.
        var offAfter = Task.Run(async () =>
        {
            while (sim.OutputOn) await Task.Delay(5);
            return sinceArm.Elapsed;
        });

        Assert.Equal(DeviceCommandStatus.Ok, (await cycle.Sent.WaitAsync(Wait)).Status);
        var off = await offAfter.WaitAsync(Wait);
        Assert.True(off >= TimeSpan.FromMilliseconds(800), $"the output went off {off.TotalMilliseconds:0} ms after the arm, before its 800 ms delay");
        Assert.False(sim.OutputOn);
        Assert.Equal(1, sim.RemoteShutdown.Count);
        await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>()!.Status.Has(UpsStatusFlags.OFF), Wait, "OFF after the power-cycle");

        sim.RestoreMains();
        await RecordingSink.WaitUntil(() => sink.Latest<UpsReading>()!.Status.OnLine, Wait, "OL when mains returns");
        Assert.True(sim.OutputOn);
    }
}
