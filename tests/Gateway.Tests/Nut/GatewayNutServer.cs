using Gateway.Configuration;
using Gateway.DeviceCommands;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.NutServer;
using Gateway.Readings;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Nut;

/// <summary>
/// The gateway's NUT server on a free loopback port over a real ReadingHub with one UPS device ("ups1", served
/// as "ups") driven by a <see cref="RecordingUpsDriver"/>. Users: monuser/secret secondary, boss/bosspw primary,
/// admin/adminpw admin, beeper/bp secondary allowed beeper.disable only.
/// </summary>
internal sealed class GatewayNutServer : IAsyncDisposable
{
    public const string DeviceId = "ups1";
    public const string UpsName = "ups";

    public static readonly IReadOnlyDictionary<string, string> DefaultVariables = new Dictionary<string, string>
    {
        ["battery.charge"] = "87",
        ["battery.runtime"] = "1520",
        ["input.voltage"] = "231.4",
        ["ups.load"] = "18",
        ["ups.mfr"] = "MUST",
        ["ups.model"] = "EP20-1000 \"pro\" #1",
        ["device.type"] = "ups",
    };

    private GatewayNutServer(TimeProvider time, NutServerOptions options, ILoggerProvider? logs)
    {
        _loggers = LoggerFactory.Create(b => { if (logs is not null) b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs); });
        Time = time;
        Hub = new ReadingHub(time, NullLogger<ReadingHub>.Instance);
        Hub.Register(DeviceId, "must", DeviceKind.Ups);
        Driver = new RecordingUpsDriver(DeviceId);
        Directory = new DeviceDirectory([Driver]);
        Logins = new NutLoginRegistry();
        Fsd = new NutFsdLatch(Logins, NullLogger<NutFsdLatch>.Instance);
        Status = new NutServerStatus();
        var catalog = new NutUpsCatalog([new NutServedUps(UpsName, DeviceId, "Rack UPS")]);
        Events = new EventBus(NullLogger<EventBus>.Instance);
        // No rate limit here: these tests are about the protocol; the gate has its own tests.
        var devices = TestConfig.Load($"devices:\n  - id: {DeviceId}\n    type: must\n    port: /dev/null\n    command_interval: 0s\n").Devices;
        Commands = new DeviceCommandGate(devices, Directory, Hub, new CommandRefusalLog(Events, time), time, NullLogger<DeviceCommandGate>.Instance);
        Handler = new NutRequestHandler(catalog, Hub, Commands, new NutUserDirectory(options.Users), Logins, Fsd,
            NutDescriptions.Load(), time, options.MaxAge, _loggers.CreateLogger("Gateway.NutServer"));
        Server = new NutTcpServer(options, Handler, Logins, Status, time, _loggers.CreateLogger<NutTcpServer>());
    }

    private readonly ILoggerFactory _loggers;

    public TimeProvider Time { get; }
    public ReadingHub Hub { get; }
    public RecordingUpsDriver Driver { get; }
    public DeviceDirectory Directory { get; }
    public EventBus Events { get; }
    public DeviceCommandGate Commands { get; }
    public NutLoginRegistry Logins { get; }
    public NutFsdLatch Fsd { get; }
    public NutServerStatus Status { get; }
    public NutRequestHandler Handler { get; }
    public NutTcpServer Server { get; }
    public int Port => Server.Endpoints[0].Port;
    public string Target => $"{UpsName}@127.0.0.1:{Port}";

    public static NutServerOptions DefaultOptions => new()
    {
        Listen = ["127.0.0.1:0"],
        Users =
        [
            new NutUserOptions("monuser", "secret", "secondary", []),
            new NutUserOptions("boss", "bosspw", "primary", []),
            new NutUserOptions("admin", "adminpw", "admin", ["all"]),
            new NutUserOptions("beeper", "bp", "secondary", ["beeper.disable"]),
        ],
    };

    public static async Task<GatewayNutServer> StartAsync(TimeProvider? time = null, NutServerOptions? options = null, bool publish = true,
        ILoggerProvider? logs = null)
    {
        var s = new GatewayNutServer(time ?? TimeProvider.System, options ?? DefaultOptions, logs);
        if (publish) s.Publish("OL CHRG");
        await s.Server.StartAsync(default);
        return s;
    }

    public UpsReading Publish(string status, IReadOnlyDictionary<string, string>? variables = null)
    {
        var r = new UpsReading(DeviceId, Time.GetUtcNow(), TimeSpan.FromSeconds(30), UpsStatus.Parse(status), variables ?? DefaultVariables);
        Hub.Publish(r);
        return r;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync(default);
        Server.Dispose();
        _loggers.Dispose();
    }
}
