using Gateway.Tests.Support;
using Gateway.Configuration;
using Gateway.DeviceCommands;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Hosting;
using Gateway.HomeAssistant;
using Gateway.Policy;
using Gateway.Readings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.HomeAssistant;

/// <summary>The Home Assistant bridge wired to a real hub, event bus and fake drivers, pointed at a broker port.</summary>
public sealed class GatewayUnderTest : IAsyncDisposable
{
    public const string Base = "gateway/testgw";
    public static readonly string[] UpsCommands = ["beeper.toggle", "test.battery.start.quick", "shutdown.return"];

    private readonly ILoggerFactory _loggers;

    private readonly bool _ownsDataDir;

    private GatewayUnderTest(GatewayConfig config, int port, TimeProvider time, string dataDir, bool ownsDataDir, string[] upsCommands)
    {
        _ownsDataDir = ownsDataDir;
        Config = config;
        DataDir = dataDir;
        Time = time;
        _loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        Hub = new ReadingHub(time, NullLogger<ReadingHub>.Instance);
        Events = new EventBus(NullLogger<EventBus>.Instance);
        Ups = new FakeDeviceDriver("ups1", DeviceKind.Ups, upsCommands);
        Meter = new FakeDeviceDriver("meter1", DeviceKind.Meter);
        foreach (var d in config.Devices) Hub.Register(d.Id, d.Type, d.IsUps ? DeviceKind.Ups : DeviceKind.Meter);
        Directory = new DeviceDirectory([Ups, Meter]);
        Session = new MqttSession(config.Mqtt, "127.0.0.1", port, new MqttOutbox(), time, _loggers.CreateLogger("Gateway.HomeAssistant.Mqtt"));
        Commands = new DeviceCommandGate(config.Devices, Directory, Hub, new CommandRefusalLog(Events, time), time, _loggers.CreateLogger<DeviceCommandGate>());
        Bridge = new HomeAssistantBridge(config, Session, Hub, Events, Commands, new UnprotectedPolicyStatusSource(), new StartInfo(time), time,
            _loggers.CreateLogger<HomeAssistantBridge>());
    }

    public GatewayConfig Config { get; }
    public string DataDir { get; }
    public TimeProvider Time { get; }
    public CapturingLoggerProvider Logs { get; } = new();
    public ReadingHub Hub { get; }
    public EventBus Events { get; }
    public FakeDeviceDriver Ups { get; }
    public FakeDeviceDriver Meter { get; }
    public DeviceDirectory Directory { get; }
    public DeviceCommandGate Commands { get; }
    public MqttSession Session { get; }
    public HomeAssistantBridge Bridge { get; }

    public static GatewayConfig LoadConfig(int port, string dataDir, string password = MosquittoBroker.Password, bool withMeter = true, string extraMqtt = "",
        string user = MosquittoBroker.User)
    {
        var yaml = $"""
            gateway:
              name: testgw
              data_dir: {dataDir}
            devices:
              - id: ups1
                type: must
                name: Rack UPS
                port: /dev/null
            {(withMeter ? "  - id: meter1\n    type: em340\n    name: Grid meter\n    port: /dev/null\n" : "")}
            mqtt:
              host: 127.0.0.1
              port: {port}
              username: {user}
              password: {password}
              state_interval: 10s
            {extraMqtt}
            """;
        var result = ConfigLoader.LoadText(yaml, "test.yaml", new Dictionary<string, string>(), []);
        Assert.True(result.Ok, string.Join("\n", result.Problems.Select(p => p.ToString())));
        return result.Config!;
    }

    public static GatewayUnderTest Create(int port, string? dataDir = null, string password = MosquittoBroker.Password, TimeProvider? time = null, bool withMeter = true,
        string[]? upsCommands = null, string user = MosquittoBroker.User)
    {
        var owns = dataDir is null;
        dataDir ??= System.IO.Directory.CreateTempSubdirectory("gw-ha-").FullName;
        return new GatewayUnderTest(LoadConfig(port, dataDir, password, withMeter, user: user), port, time ?? TimeProvider.System, dataDir, owns, upsCommands ?? UpsCommands);
    }

    public Task StartAsync() => Bridge.StartAsync(CancellationToken.None);

    public UpsReading UpsReading(string status = "OL CHRG", double charge = 100, double inputVoltage = 230.5)
    {
        var vars = new Dictionary<string, string>
        {
            [NutNames.BatteryCharge] = charge.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [NutNames.BatteryRuntime] = "1800",
            [NutNames.BatteryVoltage] = "27.1",
            [NutNames.InputVoltage] = inputVoltage.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [NutNames.InputFrequency] = "50.0",
            [NutNames.OutputVoltage] = "230.0",
            [NutNames.OutputFrequency] = "50.0",
            [NutNames.UpsLoad] = "23",
            [NutNames.UpsRealPower] = "120",
            [NutNames.UpsTemperature] = "31.5",
            [NutNames.UpsBeeperStatus] = "enabled",
            [NutNames.DeviceSerial] = "MUST-EP20-0042",
            [NutNames.DeviceMfr] = "MUST",
            [NutNames.DeviceModel] = "EP20-1000",
        };
        return new UpsReading("ups1", Time.GetUtcNow(), TimeSpan.FromSeconds(30), UpsStatus.Parse(status), vars);
    }

    public MeterReading MeterReading(double importEnergy = 1234.5)
    {
        MeterPhaseValues Phase(double v) => new(Voltage: v, LineVoltage: 400.1, Current: 1.5, Power: 300, ApparentPower: 320, ReactivePower: 40, PowerFactor: 0.94, ImportEnergy: 100.25);
        return new MeterReading("meter1", Time.GetUtcNow(), TimeSpan.FromSeconds(30))
        {
            L1 = Phase(231.2), L2 = Phase(229.8), L3 = Phase(230.4),
            Total = new MeterPhaseValues(Voltage: 230.5, Current: 4.5, Power: 900, ApparentPower: 960, ReactivePower: 120, PowerFactor: 0.94, ImportEnergy: 300.75),
            Frequency = 50.01, ImportEnergy = importEnergy, ExportEnergy = 2.5, ImportReactiveEnergy = 10.5, ExportReactiveEnergy = 0.5,
            PhaseSequence = "L1-L2-L3", Serial = "EM340-12345", Model = "EM340DINAV23XS1X", Firmware = "1.2",
        };
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { await Bridge.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        Bridge.Dispose();
        _loggers.Dispose();
        if (_ownsDataDir)
        {
            try { System.IO.Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
        }
    }
}
