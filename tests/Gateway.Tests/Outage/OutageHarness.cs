using System.Globalization;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Gateway.Shutdown.Restore;
using Gateway.Tests.Shutdown;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Outage;

/// <summary>
/// The outage record and the power restore in virtual time over a real hub and a real data_dir: tests feed UPS
/// readings and shutdown events, then drive the restorer. <see cref="Restart"/> builds both anew from the files.
/// </summary>
public sealed class OutageHarness : IDisposable
{
    public FakeTimeProvider Time { get; }
    public TempDir Dir { get; } = new("gw-outage");
    public EventBus Events { get; } = new(NullLogger<EventBus>.Instance);
    public ReadingHub Hub { get; }
    public FakeCommandExecutor Executor { get; }
    public RestoreOptions Options { get; }
    public OutageRecorder Recorder { get; private set; }
    public PowerRestorer Restorer { get; private set; }
    public Gateway.Battery.BatteryHealthStore Health => new(Dir.Path);

    private readonly bool _viaHelper;
    private readonly string _vmUri;

    /// <param name="viaHelper">The restorer starts containers and VMs through the root helper (privileges: helper).</param>
    /// <param name="time">Virtual time (default: a plain one at 2026-11-30 03:00Z).</param>
    public OutageHarness(RestoreOptions options, bool viaHelper = false, string vmUri = "", FakeTimeProvider? time = null)
    {
        Time = time ?? new(new DateTimeOffset(2026, 11, 30, 3, 0, 0, TimeSpan.Zero));
        Options = options;
        _viaHelper = viaHelper;
        _vmUri = vmUri;
        Hub = new ReadingHub(Time, NullLogger<ReadingHub>.Instance);
        Hub.Register("ups", "must", DeviceKind.Ups);
        Executor = new FakeCommandExecutor(Time);
        (Recorder, Restorer) = Build();
    }

    public static RestoreOptions Restore(string yaml) =>
        TestConfig.Load("shutdown:\n  restore:\n" + string.Join('\n', yaml.Split('\n').Select(l => "    " + l))).Shutdown.Restore;

    private (OutageRecorder, PowerRestorer) Build()
    {
        var recorder = new OutageRecorder("ups", TimeSpan.FromSeconds(5), Hub, Events, new OutageRecordStore(Dir.Path), Time, NullLogger.Instance, Health);
        return (recorder, new PowerRestorer(Options, "ups", Hub, recorder, Executor, Events, Time, NullLogger.Instance, _viaHelper, _vmUri));
    }

    /// <summary>The gateway restarts (or this host boots again): everything is rebuilt from data_dir.</summary>
    public async Task Restart()
    {
        (Recorder, Restorer) = Build();
        await Recorder.LoadAsync(CancellationToken.None);
    }

    /// <summary>The UPS reports <paramref name="status"/> now (with charge and output power), to the hub and the recorder.</summary>
    public async Task Ups(string status, double charge, double watts = 300, double? volts = null, double? runtime = null)
    {
        var vars = new Dictionary<string, string>
        {
            [NutNames.BatteryCharge] = charge.ToString("0.#", CultureInfo.InvariantCulture),
            [NutNames.UpsRealPower] = watts.ToString("0", CultureInfo.InvariantCulture),
        };
        if (volts is { } v) vars[NutNames.BatteryVoltage] = v.ToString("0.##", CultureInfo.InvariantCulture);
        if (runtime is { } rt) vars[NutNames.BatteryRuntime] = rt.ToString("0", CultureInfo.InvariantCulture);
        var r = new UpsReading("ups", Time.GetUtcNow(), TimeSpan.FromSeconds(10), UpsStatus.Parse(status), vars);
        Hub.Publish(r);
        await Recorder.ObserveAsync(r);
    }

    /// <summary>Readings every <paramref name="every"/> for <paramref name="duration"/>, the charge falling linearly.</summary>
    public async Task OnBattery(TimeSpan duration, double fromCharge, double toCharge, TimeSpan? every = null)
    {
        var step = every ?? TimeSpan.FromSeconds(5);
        var n = (int)(duration / step);
        for (var i = 0; i <= n; i++)
        {
            await Ups("OB DISCHRG", fromCharge + (toCharge - fromCharge) * i / n);
            if (i < n) Time.Advance(step);
        }
    }

    public Task Event(string kind, params (string Key, string Value)[] data) =>
        Recorder.OnEventAsync(new GatewayEvent(Time.GetUtcNow(), kind, EventSeverity.Info, kind, null, data.ToDictionary(d => d.Key, d => d.Value)));

    public Task Shed(params (string Key, string Value)[] data) =>
        Recorder.RecordShedAsync(new GatewayEvent(Time.GetUtcNow(), EventKinds.LoadShed, EventSeverity.Warning, "shed", null, data.ToDictionary(d => d.Key, d => d.Value)));

    public Task StepEvent(string step, string outcome, double seconds = 1) =>
        Event(EventKinds.ShutdownStep, ("step", step), ("outcome", outcome), ("dry_run", "false"), ("seconds", seconds.ToString(CultureInfo.InvariantCulture)));

    /// <summary>Mains back: line readings every second for <paramref name="duration"/>, ticking the restorer each second.</summary>
    public async Task OnLine(TimeSpan duration, double charge)
    {
        for (var t = TimeSpan.Zero; t <= duration; t += TimeSpan.FromSeconds(1))
        {
            await Ups("OL CHRG", charge);
            await VirtualTime.RunAsync(Time, Restorer.TickAsync(CancellationToken.None), limit: TimeSpan.FromHours(2));
            Time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    public List<GatewayEvent> Drain(EventSubscription sub)
    {
        var list = new List<GatewayEvent>();
        while (sub.Reader.TryRead(out var e)) list.Add(e);
        return list;
    }

    public void Dispose() => Dir.Dispose();
}
