using System.Diagnostics;
using System.Globalization;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Shutdown;
using Gateway.Shutdown.Steps;
using Gateway.Tests.Policy;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Safety;

/// <summary>
/// The real <see cref="PolicyRunner"/> and <see cref="ShutdownSequence"/> (sync, then this host's poweroff after the
/// point of no return) with state files in a temp data_dir, driven in virtual time by a <see cref="UpsScript"/>:
/// a reading every second (the MUST's default poll), a policy tick every second, the clock in 250 ms steps. A
/// restart stops the runner as systemd would and starts a new one (new hub, same data_dir). What happened is
/// written as "fires X at Ns; cancelled at Ns; poweroff at Ns; ends STATE".
/// </summary>
public sealed class SafetyRig : IAsyncDisposable
{
    public const string Device = "ups";
    private const double Step = 0.25;
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly TempDir _dir = new("gw-safety");
    private readonly EventBus _events = new(NullLogger<EventBus>.Instance);
    private readonly EventSubscription _sub;
    private GatewayConfig _config;
    private readonly string _yaml;
    private readonly ScriptedExecutor _exec;
    private readonly List<string> _log = [];
    private ReadingHub _hub = null!;
    private PolicyRunner _runner = null!;
    private double _t;
    private PolicyState _state = PolicyState.Normal;

    /// <param name="policyYaml">Extra keys of <c>policy:</c>, e.g. "max_time_on_battery: 0".</param>
    /// <param name="poweroffSeconds">How long the poweroff command takes (so a restart can fall after the point of no return).</param>
    public SafetyRig(bool dryRun = false, string policyYaml = "", double poweroffSeconds = 0)
    {
        _yaml = $"""
            gateway: {"{"} data_dir: {_dir.Path} {"}"}
            devices:
              - {"{"} id: {Device}, type: nut, ups: ups, poll_interval: 1s {"}"}
            policy:
              protect: {Device}
            {string.Join("\n", policyYaml.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => "  " + l))}
            shutdown:
              dry_run: DRY
              sync: true
              nut_fsd: {"{"} enabled: false {"}"}
              local: {"{"} enabled: true, command: "systemctl poweroff", final_delay: 0s {"}"}
              point_of_no_return: local
            """;
        _config = Load(dryRun);
        _exec = new ScriptedExecutor(_time, () => (_time.GetUtcNow() - Start).TotalSeconds);
        if (poweroffSeconds > 0) _exec.Durations["systemctl poweroff"] = TimeSpan.FromSeconds(poweroffSeconds);
        _sub = _events.Subscribe("safety");
    }

    private GatewayConfig Load(bool dryRun) => TestConfig.Load(_yaml.Replace("dry_run: DRY", $"dry_run: {(dryRun ? "true" : "false")}", StringComparison.Ordinal));

    public PolicyRunner Runner => _runner;
    public string DataDir => _dir.Path;
    public GatewayConfig Config => _config;

    public async Task<string> RunAsync(string script)
    {
        await StartProcessAsync();
        foreach (var s in UpsScript.Parse(script))
        {
            if (s.Restart)
            {
                await _runner.StopAsync(CancellationToken.None);
                _runner.Dispose();
                // "down": the gateway stays stopped this long (no runner sees the UPS meanwhile).
                for (var downUntil = _t + s.Seconds; _t < downUntil - 1e-9;)
                {
                    _time.Advance(TimeSpan.FromSeconds(Step));
                    _t = Math.Round(_t + Step, 2);
                }
                if (s.RestartDryRun) _config = Load(true);
                await StartProcessAsync();
                continue;
            }
            var start = _t;
            var end = _t + s.Seconds;
            while (_t < end - 1e-9)
            {
                if (IsWhole(_t))
                {
                    if (s.Status is null)
                    {
                        if (_hub.Get(Device)?.Link is not LinkState.Lost)
                        {
                            _hub.ReportLinkState(Device, LinkState.Lost, "no answer");
                            _runner.Handle(new LinkStateChanged(Device, LinkState.Connected, LinkState.Lost, "no answer", _time.GetUtcNow()));
                        }
                    }
                    else
                    {
                        var f = s.Seconds > 0 ? (_t - start) / s.Seconds : 0;
                        var sample = new UpsSample(s.Status, s.Charge is { } c ? UpsStretch.Lerp(c, f) : null, s.Runtime is { } r ? UpsStretch.Lerp(r, f) : null);
                        var reading = PolicyHarness.Reading(sample, _time.GetUtcNow());
                        _hub.Publish(reading);
                        _runner.Handle(new ReadingPublished(reading));
                    }
                    _runner.Tick();
                    await SettleAsync();
                    Collect();
                }
                await AdvanceAsync();
            }
        }
        await SettleAsync();
        Collect();
        _log.Add($"ends {PolicyStatus.StateName(_runner.Current.State)}");
        return string.Join("; ", _log);
    }

    private async Task StartProcessAsync()
    {
        _hub = new ReadingHub(_time, NullLogger<ReadingHub>.Instance);
        _hub.Register(Device, "nut", DeviceKind.Ups);
        var steps = new IShutdownStep[] { new SyncStep(), new LocalPoweroffStep(_config.Shutdown.Local) };
        var sequence = new ShutdownSequence(steps, _config.Shutdown.PointOfNoReturn, _exec, _time, NullLogger.Instance, _events, new ShutdownStateStore(_dir.Path));
        _runner = new PolicyRunner(_config, _hub, _events, sequence, _time, NullLogger<PolicyRunner>.Instance);
        await _runner.RestoreAsync(CancellationToken.None);
        await SettleAsync();
    }

    private async Task AdvanceAsync()
    {
        _time.Advance(TimeSpan.FromSeconds(Step));
        _t = Math.Round(_t + Step, 2);
        await SettleAsync();
        Collect();
    }

    /// <summary>Waits (in real time) until the sequence, if any, is finished or waiting for virtual time.</summary>
    private async Task SettleAsync()
    {
        var wall = Stopwatch.StartNew();
        while (true)
        {
            var task = _runner.SequenceTask;
            if (task is null || task.IsCompleted) break;
            if (_exec.Running > 0 && _exec.Settled) break;
            if (wall.Elapsed > TimeSpan.FromSeconds(20)) throw new TimeoutException($"the shutdown sequence did not settle at {_t}s");
            await Task.Delay(1);
        }
        for (var i = 0; i < 5; i++) await Task.Yield();
    }

    private void Collect()
    {
        var state = _runner.Current.State;
        if (state != _state)
        {
            if (state == PolicyState.OnBattery && _state == PolicyState.Normal) _log.Add($"on battery at {Format(_t)}s");
            if (state == PolicyState.Normal && _state == PolicyState.OnBattery) _log.Add($"power back at {Format(_t)}s");
            _state = state;
        }
        while (_sub.Reader.TryRead(out var e))
        {
            var at = Seconds(e.At);
            switch (e.Kind)
            {
                case EventKinds.TriggerFired: _log.Add($"fires {e.Data!["trigger"]} at {at}s"); break;
                case EventKinds.ShutdownCancelled: _log.Add($"cancelled at {at}s"); break;
                case EventKinds.ShutdownStarted when e.Data?.ContainsKey("resumed") == true:
                    _log.Add($"resumes {e.Data["trigger"]}{(e.Data["dry_run"] == "true" ? " (dry run)" : "")} at {at}s"); break;
                case EventKinds.ShutdownFinished when e.Data is { } d && d["dry_run"] == "true": _log.Add($"dry run finished at {at}s"); break;
            }
        }
        foreach (var (at, command) in _exec.Calls.ToArray())
        {
            if (command != "systemctl poweroff") continue;
            var text = $"poweroff at {Format(at)}s";
            if (!_log.Contains(text)) _log.Add(text);
        }
    }

    private static bool IsWhole(double t) => Math.Abs(t - Math.Round(t)) < 1e-9;
    private static string Seconds(DateTimeOffset at) => Format((at - Start).TotalSeconds);
    private static string Format(double s) => Math.Round(s, 2).ToString("0.##", CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _runner.StopAsync(CancellationToken.None);
        _runner.Dispose();
        _sub.Dispose();
        _dir.Dispose();
    }
}
