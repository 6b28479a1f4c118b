using System.Globalization;
using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Gateway.Shutdown.Restore;
using Gateway.Shutdown.Steps;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Shutdown.Shedding;

/// <summary>
/// Staged load shedding: during an outage (fresh <c>OB</c> readings for at least <c>policy.on_battery_delay</c>), each
/// <c>shutdown.shedding</c> stage fires once when its first condition is met — time on battery, charge below, runtime
/// below — and shuts its hosts (their <c>remote_hosts</c> SSH command, verified down), containers and VMs down, long
/// before the final trigger. Fired stages and shed machines go into the outage record, so a restart does not shed
/// twice, the final sequence skips hosts already down, and the power restore brings them back.
/// </summary>
public sealed class LoadShedder : BackgroundService
{
    public static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    private readonly ShutdownOptions _options;
    private readonly TimeSpan _onBatteryDelay;
    private readonly string? _deviceId;
    private readonly ReadingHub _hub;
    private readonly OutageRecorder _recorder;
    private readonly ICommandExecutor _executor;
    private readonly EventBus _events;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly HashSet<string> _firedDry = new(StringComparer.Ordinal);

    public LoadShedder(ShutdownOptions options, TimeSpan onBatteryDelay, string? deviceId, ReadingHub hub, OutageRecorder recorder, ICommandExecutor executor,
        EventBus events, TimeProvider time, ILogger log)
    {
        _options = options;
        _onBatteryDelay = onBatteryDelay;
        _deviceId = deviceId;
        _hub = hub;
        _recorder = recorder;
        _executor = executor;
        _events = events;
        _time = time;
        _log = log;
    }

    /// <summary>Whether the remote host <paramref name="name"/> was shed in the current outage and is still down.</summary>
    public bool IsShed(string name) =>
        _recorder.Current?.Machines.Any(m => m is { Kind: OutageMachine.Host, Action: OutageMachine.Shed, State: OutageMachine.Down } && m.Name == name) == true;

    /// <summary>Wraps the final sequence's SSH steps so a host shed earlier is skipped.</summary>
    public IReadOnlyList<IShutdownStep> Wrap(IReadOnlyList<IShutdownStep> steps) =>
        steps.Select(s => s is SshHostStep && s.Name.StartsWith("ssh:", StringComparison.Ordinal)
            ? new ShedAwareStep(s, () => IsShed(s.Name[4..])) : s).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.Shedding.Count == 0) return;
        await TickLoop.RunAsync(TickInterval, _time, TickAsync, _log, "Load shedding", stoppingToken).ConfigureAwait(false);
    }

    /// <summary>One evaluation (public for tests): fires every stage whose condition is met now.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        var record = _recorder.Current;
        if (record is not { PowerBackAt: null, EndedAt: null }) { _firedDry.Clear(); return; }
        if (_deviceId is null || _hub.Get(_deviceId) is not { Link: LinkState.Connected, Latest: UpsReading { Status.OnBattery: true } r }) return;
        if (r.Status.Has(UpsStatusFlags.CAL)) return;
        var onBattery = _time.GetUtcNow() - record.StartedAt;
        if (onBattery < _onBatteryDelay) return;
        foreach (var stage in _options.Shedding)
        {
            if (record.ShedStages.Contains(stage.Name) || _firedDry.Contains(stage.Name)) continue;
            var why = Condition(stage, onBattery, r);
            if (why is null) continue;
            await RunStageAsync(stage, why, ct).ConfigureAwait(false);
            record = _recorder.Current ?? record;
        }
    }

    private static string? Condition(ShedStageOptions s, TimeSpan onBattery, UpsReading r)
    {
        if (s.AfterOnBattery is { } after && onBattery >= after) return $"on battery for {Duration.Format(TimeSpan.FromSeconds(Math.Round(onBattery.TotalSeconds)))} (after_on_battery {Duration.Format(after)})";
        if (s.ChargeBelow is { } below && r.BatteryCharge is { } charge && charge < below) return $"charge {charge:0}% < {below:0}%";
        if (s.RuntimeBelow is { } rt && r.BatteryRuntimeSeconds is { } left && left < rt.TotalSeconds) return $"runtime {Duration.Format(TimeSpan.FromSeconds(Math.Round(left)))} < {Duration.Format(rt)}";
        return null;
    }

    private async Task RunStageAsync(ShedStageOptions stage, string why, CancellationToken ct)
    {
        var dry = _options.DryRun;
        _log.LogWarning("{Dry}Load shedding stage '{Stage}': {Why}", dry ? "[DRY-RUN] " : "", stage.Name, why);
        if (dry) _firedDry.Add(stage.Name);
        else await _recorder.UpdateAsync(rec => rec with { ShedStages = [.. rec.ShedStages, stage.Name] }).ConfigureAwait(false);
        var ctx = new ShutdownStepContext(dry, _executor, _time, _log, $"load shedding stage '{stage.Name}': {why}");
        var helper = PrivilegedHelper.Use(_options.Privileges);
        var work = new List<(string Name, string Kind, IShutdownStep Step)>();
        foreach (var h in stage.Hosts)
            if (_options.RemoteHosts.FirstOrDefault(x => x.Name == h) is { } host) work.Add((h, OutageMachine.Host, new SshHostStep(host)));
        if (stage.Containers.Count > 0)
            work.Add((string.Join(",", stage.Containers), OutageMachine.Container, new ContainerStopStep(new ContainerStepOptions(true, _options.Containers.Timeout, stage.Containers), helper)));
        if (stage.Vms.Count > 0)
            work.Add((string.Join(",", stage.Vms), OutageMachine.Vm, new ShedVmStep(stage.Vms, _options.Vms, helper)));

        foreach (var (name, kind, step) in work)
        {
            var t0 = _time.GetTimestamp();
            StepReport report;
            using (var budget = new CancellationTokenSource(step.Budget, _time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, ct))
            {
                try { report = await step.RunAsync(ctx, linked.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { report = StepReport.TimedOut($"did not finish within {Duration.Format(step.Budget)}"); }
            }
            var seconds = _time.GetElapsedTime(t0).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            var shed = report.Outcome is ShutdownOutcomes.Ok or ShutdownOutcomes.Timeout;
            // A container or VM list is shed as one step but restored one by one.
            var machines = kind == OutageMachine.Host ? [name] : name.Split(',');
            foreach (var m in machines)
            {
                var e = new GatewayEvent(_time.GetUtcNow(), EventKinds.LoadShed, shed || dry ? EventSeverity.Warning : EventSeverity.Critical,
                    $"{(dry ? "[DRY-RUN] " : "")}Load shed ({stage.Name}: {why}): {kind} {m}: {report.Outcome}: {report.Detail}", _deviceId,
                    new Dictionary<string, string>
                    {
                        ["stage"] = stage.Name, ["name"] = m, ["kind"] = kind, ["outcome"] = report.Outcome, ["seconds"] = seconds,
                        ["dry_run"] = dry ? "true" : "false", ["shed"] = shed ? "true" : "false",
                    });
                await _recorder.RecordShedAsync(e).ConfigureAwait(false);
                _events.Publish(e);
            }
        }
    }
}
