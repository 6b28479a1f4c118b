using Gateway.Configuration;
using Gateway.NutServer;
using Gateway.Readings;
using Gateway.Shutdown.Steps;
using Microsoft.Extensions.Logging;

namespace Gateway.Shutdown;

/// <summary>
/// Runs the steps in order: VMs → containers → sync → unmounts → NUT FSD → SSH hosts → this host. Every step runs
/// even when an earlier one failed, within its own budget, and is logged, announced and persisted. Before the point
/// of no return, cancelling (power back) stops the sequence between steps and aborts the running one.
/// </summary>
public sealed class ShutdownSequence
{
    private readonly IReadOnlyList<IShutdownStep> _steps;
    private readonly int _pointOfNoReturn;
    private readonly ICommandExecutor _executor;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly EventBus? _events;
    private readonly ShutdownStateStore? _store;

    public ShutdownSequence(IReadOnlyList<IShutdownStep> steps, string pointOfNoReturn, ICommandExecutor executor, TimeProvider time, ILogger log,
        EventBus? events = null, ShutdownStateStore? store = null)
    {
        _steps = steps;
        _pointOfNoReturn = Math.Max(0, ShutdownStepKinds.IndexOf(pointOfNoReturn));
        _executor = executor;
        _time = time;
        _log = log;
        _events = events;
        _store = store;
    }

    public IReadOnlyList<IShutdownStep> Steps => _steps;

    /// <summary>The steps the configuration asks for, in order.</summary>
    /// <param name="viaHelper">Through the root helper unit; null = what <c>shutdown.privileges</c> says for this process.</param>
    public static IReadOnlyList<IShutdownStep> BuildSteps(ShutdownOptions o, IFsdSignal? fsd, string? protectedDeviceId, bool? viaHelper = null,
        PowerCycle.UpsPowerCycle? powerCycle = null)
    {
        var steps = new List<IShutdownStep>();
        var helper = viaHelper ?? PrivilegedHelper.Use(o.Privileges);
        if (o.Vms.Enabled) steps.Add(new VmShutdownStep(o.Vms, helper));
        if (o.Containers.Enabled) steps.Add(new ContainerStopStep(o.Containers, helper));
        if (o.Sync) steps.Add(new SyncStep());
        steps.AddRange(o.Unmounts.Select(u => new UnmountStep(u, viaHelper: helper)));
        if (o.NutFsd.Enabled) steps.Add(new NutFsdStep(o.NutFsd, fsd, protectedDeviceId));
        steps.AddRange(o.RemoteHosts.Select(h => new SshHostStep(h)));
        if (o.PowerCycle.Enabled) steps.Add(new PowerCycleStep(o.PowerCycle, o.Local, powerCycle, protectedDeviceId));
        if (o.Local.Enabled) steps.Add(new LocalPoweroffStep(o.Local));
        return steps;
    }

    /// <param name="cancel">Power is back: honoured only before the point of no return.</param>
    /// <param name="stopping">The process is stopping: aborts at once (progress is kept for the restart).</param>
    public async Task<ShutdownRunSummary> RunAsync(ShutdownRequest request, CancellationToken cancel, CancellationToken stopping = default)
    {
        var started = request.Resume?.StartedAt ?? _time.GetUtcNow();
        var results = new List<ShutdownStepResult>(request.Resume?.Completed ?? []);
        var done = results.Select(r => r.Step).ToHashSet(StringComparer.Ordinal);
        var passed = request.Resume?.PointOfNoReturnPassed ?? false;
        var progress = new ShutdownProgress(request.Trigger, request.Reason, request.DryRun, started, passed, results.ToArray(), null, BootId: BootId.Current);
        var dry = request.DryRun ? "[DRY-RUN] " : "";
        var context = new ShutdownStepContext(request.DryRun, _executor, _time, _log, request.Reason);

        if (request.Resume is null)
            Announce(EventKinds.ShutdownStarted, EventSeverity.Critical,
                $"{dry}Shutdown started ({request.Trigger}): {request.Reason}; steps: {string.Join(", ", _steps.Select(s => s.Name))}",
                new Dictionary<string, string> { ["trigger"] = request.Trigger, ["reason"] = request.Reason, ["dry_run"] = Bool(request.DryRun) });
        else
            Announce(EventKinds.ShutdownStarted, EventSeverity.Critical,
                $"{dry}Shutdown resumed after a restart ({request.Trigger}): {done.Count} step(s) already done",
                new Dictionary<string, string> { ["trigger"] = request.Trigger, ["reason"] = request.Reason, ["dry_run"] = Bool(request.DryRun), ["resumed"] = "true" });
        await PersistAsync(request, progress).ConfigureAwait(false);

        var cancelled = false;
        for (var i = 0; i < _steps.Count; i++)
        {
            var step = _steps[i];
            if (done.Contains(step.Name)) continue;
            if (!passed && ShutdownStepKinds.IndexOf(step.Kind) >= _pointOfNoReturn)
            {
                if (cancel.IsCancellationRequested || request.PassPointOfNoReturn?.Invoke() == false)
                {
                    cancelled = true;
                    break;
                }
                passed = true;
                progress = progress with { PointOfNoReturnPassed = true };
                await PersistAsync(request, progress).ConfigureAwait(false);
                _log.LogWarning("{Dry}Shutdown passed its point of no return (before {Step}): power returning will no longer cancel it", dry, step.Name);
            }
            if (!passed && cancel.IsCancellationRequested)
            {
                cancelled = true;
                break;
            }
            stopping.ThrowIfCancellationRequested();

            var result = await RunStepAsync(step, i, context, passed ? CancellationToken.None : cancel, stopping).ConfigureAwait(false);
            results.Add(result);
            progress = progress with { Completed = results.ToArray() };
            await PersistAsync(request, progress).ConfigureAwait(false);
            if (result.Outcome == ShutdownOutcomes.Cancelled)
            {
                cancelled = true;
                break;
            }
        }

        var finished = _time.GetUtcNow();
        progress = cancelled ? progress with { Cancelled = true } : progress with { FinishedAt = finished };
        await PersistAsync(request, progress).ConfigureAwait(false);
        if (!cancelled)
        {
            var bad = results.Count(r => r.Outcome is ShutdownOutcomes.Failed or ShutdownOutcomes.Timeout);
            Announce(EventKinds.ShutdownFinished, bad == 0 ? EventSeverity.Info : EventSeverity.Warning,
                $"{dry}Shutdown sequence finished: {results.Count} step(s), {bad} failed or timed out",
                new Dictionary<string, string> { ["trigger"] = request.Trigger, ["dry_run"] = Bool(request.DryRun), ["failed"] = bad.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }
        return new ShutdownRunSummary(request.DryRun, started, finished, results);
    }

    private async Task<ShutdownStepResult> RunStepAsync(IShutdownStep step, int index, ShutdownStepContext context, CancellationToken cancel, CancellationToken stopping)
    {
        var dry = context.DryRun ? "[DRY-RUN] " : "";
        _log.LogInformation("{Dry}Shutdown step {Index}/{Count} {Step} starting", dry, index + 1, _steps.Count, step.Name);
        var t0 = _time.GetTimestamp();
        using var budget = new CancellationTokenSource(step.Budget, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(budget.Token, cancel, stopping);
        StepReport report;
        try
        {
            report = await step.RunAsync(context, linked.Token).WaitAsync(step.Budget, _time, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && budget.IsCancellationRequested && !cancel.IsCancellationRequested && !stopping.IsCancellationRequested))
        {
            report = StepReport.TimedOut($"did not finish within {Duration.Format(step.Budget)}; abandoned");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            report = new StepReport(ShutdownOutcomes.Cancelled, "aborted: the shutdown was cancelled (power is back)");
        }
        catch (Exception e)
        {
            report = StepReport.Failed($"{e.GetType().Name}: {e.Message}");
        }
        var result = new ShutdownStepResult(step.Name, report.Outcome, report.Detail, _time.GetElapsedTime(t0));
        var level = report.Outcome is ShutdownOutcomes.Failed or ShutdownOutcomes.Timeout ? LogLevel.Warning : LogLevel.Information;
        _log.Log(level, "{Dry}Shutdown step {Step}: {Outcome} in {Seconds:0.0}s: {Detail}", dry, step.Name, report.Outcome, result.Duration.TotalSeconds, report.Detail);
        if (report.Outcome != ShutdownOutcomes.Cancelled)
            Announce(EventKinds.ShutdownStep, level == LogLevel.Warning ? EventSeverity.Warning : EventSeverity.Info,
                $"{(context.DryRun && report.Outcome != ShutdownOutcomes.DryRun ? dry : "")}Step {index + 1}/{_steps.Count} {step.Name}: {report.Outcome}: {report.Detail}",
                new Dictionary<string, string>
                {
                    ["step"] = step.Name, ["outcome"] = report.Outcome, ["detail"] = report.Detail, ["dry_run"] = Bool(context.DryRun),
                    ["index"] = (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["count"] = _steps.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["seconds"] = result.Duration.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture),
                });
        return result;
    }

    private async Task PersistAsync(ShutdownRequest request, ShutdownProgress progress)
    {
        if (!request.Persist || _store is null) return;
        try { await _store.SaveAsync(progress, CancellationToken.None).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning("Cannot save the shutdown progress to {Path} (a restart now would not resume the sequence): {Problem}", _store.FilePath, Gateway.Storage.StorageProblem.DescribeStateFile(e, _store.FilePath));
        }
    }

    private void Announce(string kind, EventSeverity severity, string message, IReadOnlyDictionary<string, string> data) =>
        _events?.Publish(new GatewayEvent(_time.GetUtcNow(), kind, severity, message, null, data));

    private static string Bool(bool b) => b ? "true" : "false";
}
