using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Policy;
using Gateway.Readings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Battery;

/// <summary>
/// Runs <c>battery.self_test</c>: when a test is due and the protected NUT UPS is on line and charged with no outage or
/// shutdown in progress, sends <c>test.battery.start</c> straight to its driver (the gateway's own call, like the
/// power-cycle, not through the command gate), holds the <see cref="BatterySelfTestWindow"/> open so the policy does not
/// take the test's OB for an outage, waits for the UPS to report OL again (at most <c>timeout</c>) and keeps
/// <c>ups.test.result</c> in <see cref="BatterySelfTestStore"/>. A test that is due while the UPS is not ready waits
/// <see cref="RetryAfter"/> and looks again. Each test is a <c>battery_self_test</c> event when it starts and one when
/// it ends (passed, warning or failed, with the UPS's result), so notifications and Home Assistant hear of it.
/// </summary>
public sealed class BatterySelfTestScheduler(BatterySelfTestOptions options, string deviceId, bool isNut, Func<string, IDeviceDriver?> findDriver,
    ReadingHub hub, Func<PolicyStatus?> policy, BatterySelfTestWindow window, BatterySelfTestStore store, TimeProvider time, ILogger log,
    EventBus? events = null) : BackgroundService
{
    public const string Command = "test.battery.start";
    public static readonly TimeSpan RetryAfter = TimeSpan.FromHours(1);
    public static readonly TimeSpan WatchEvery = TimeSpan.FromSeconds(2);
    /// <summary>A battery counts as charged from this charge on (a UPS without a charge reading: when it is not charging).</summary>
    public const double ChargedPercent = 95;
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(5);

    /// <summary>When the next test is due (null until the schedule is known).</summary>
    public DateTimeOffset? NextDue { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!isNut)
        {
            log.LogWarning("battery.self_test is enabled, but the protected UPS '{Device}' is not a type: nut UPS: no self-tests are scheduled. Remove battery.self_test or protect a NUT UPS", deviceId);
            return;
        }
        try
        {
            var last = (await store.LoadAsync(stoppingToken).ConfigureAwait(false)).LastOrDefault(r => r.Device == deviceId)?.At;
            var due = Next(last, time.GetUtcNow());
            while (!stoppingToken.IsCancellationRequested)
            {
                NextDue = due;
                var wait = due - time.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
                if (NotReady() is { } why)
                {
                    log.LogInformation("Battery self-test on '{Device}' postponed by {Retry}: {Why}", deviceId, Duration.Format(RetryAfter), why);
                    due = time.GetUtcNow() + RetryAfter;
                    continue;
                }
                var result = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                PublishEnd(result);
                try { await store.AppendAsync(result, stoppingToken).ConfigureAwait(false); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    log.LogWarning("Could not keep the battery self-test result in {Path}: {Error}. Check data_dir permissions and free space", store.FilePath, e.Message);
                }
                due = Next(result.At, time.GetUtcNow());
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        finally { window.Close(); }
    }

    /// <summary>The first <c>at</c> (local time) on or after <c>interval</c> past the last test (or now, with none yet).</summary>
    public DateTimeOffset Next(DateTimeOffset? last, DateTimeOffset now)
    {
        var from = last is { } l ? l + options.Interval : now;
        if (from < now && last is not null && now - from > TimeSpan.FromDays(1)) from = now;
        var tz = time.LocalTimeZone;
        var local = TimeZoneInfo.ConvertTime(from, tz);
        var day = local.Date + options.At.ToTimeSpan();
        var candidate = new DateTimeOffset(day, tz.GetUtcOffset(day));
        return candidate < from ? new DateTimeOffset(day.AddDays(1), tz.GetUtcOffset(day.AddDays(1))) : candidate;
    }

    /// <summary>Why a test may not start now, or null when it may.</summary>
    private string? NotReady()
    {
        if (policy() is { } p && (p.State != PolicyState.Normal || p.OnBatterySince is not null)) return "an outage or a shutdown is in progress";
        if (hub.Get(deviceId)?.Fresh(time.GetUtcNow()) is not UpsReading r) return "no fresh reading from the UPS";
        if (ReadingEvidence.Power(r.Status) != PowerEvidence.OnLine || r.Status.Has(UpsStatusFlags.CAL)) return $"the UPS is not on line (status {r.Status})";
        if (ReadingEvidence.Charge(r) is { } c ? c < ChargedPercent : r.Status.Has(UpsStatusFlags.CHRG))
            return $"the battery is not charged yet ({(ReadingEvidence.Charge(r) is { } ch ? $"{ch:0} %" : "charging")})";
        return null;
    }

    private async Task<BatterySelfTestResult> RunOnceAsync(CancellationToken ct)
    {
        var at = time.GetUtcNow();
        if (findDriver(deviceId) is not { } driver)
            return new BatterySelfTestResult(at, deviceId, "unavailable", $"no driver for UPS '{deviceId}' runs in this process");
        var before = (hub.Get(deviceId)?.Latest as UpsReading)?.Get(NutNames.UpsTestResult);
        window.Open(deviceId, options.Timeout);
        try
        {
            DeviceCommandResult sent;
            using (var timeout = new CancellationTokenSource(CommandTimeout, time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, ct))
            {
                try { sent = await driver.ExecuteAsync(Command, linked.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested) { sent = DeviceCommandResult.Failed($"no answer within {Duration.Format(CommandTimeout)}"); }
            }
            var status = sent.Status.ToString().ToLowerInvariant();
            if (sent.Status != DeviceCommandStatus.Ok)
            {
                log.LogWarning("Battery self-test on '{Device}' not started: {Command} {Status}: {Message}. Check that the NUT user may run {Command} (instcmds in upsd.users)",
                    deviceId, Command, status, sent.Message, Command);
                return new BatterySelfTestResult(at, deviceId, status, $"not started: {sent.Message}");
            }
            log.LogInformation("Battery self-test started on '{Device}' ({Command})", deviceId, Command);
            Publish("started", EventSeverity.Info,
                $"Battery self-test started on '{deviceId}' ({Command}): the UPS runs on battery for the test, which is not an outage", null);
            var deadline = at + options.Timeout;
            var tested = false;
            string? result = before;
            while (time.GetUtcNow() < deadline)
            {
                await Task.Delay(WatchEvery, time, ct).ConfigureAwait(false);
                if (hub.Get(deviceId)?.Fresh(time.GetUtcNow()) is not UpsReading r) continue;
                result = r.Get(NutNames.UpsTestResult) ?? result;
                var inProgress = result?.Contains("progress", StringComparison.OrdinalIgnoreCase) == true;
                if (r.Status.Has(UpsStatusFlags.OB) || r.Status.Has(UpsStatusFlags.CAL) || inProgress) tested = true;
                var changed = result is not null && result != before && !inProgress;
                if ((tested || changed) && !inProgress && ReadingEvidence.Power(r.Status) == PowerEvidence.OnLine && !r.Status.Has(UpsStatusFlags.CAL))
                {
                    log.LogInformation("Battery self-test on '{Device}' finished: {Result}", deviceId, result ?? "no ups.test.result reported");
                    return new BatterySelfTestResult(at, deviceId, status, result ?? "no ups.test.result reported");
                }
            }
            log.LogWarning("Battery self-test on '{Device}' did not end within {Timeout} (battery.self_test.timeout): OB readings count as an outage again", deviceId, Duration.Format(options.Timeout));
            return new BatterySelfTestResult(at, deviceId, status, $"no end of the test seen within {Duration.Format(options.Timeout)} (last ups.test.result: {result ?? "none"})");
        }
        finally { window.Close(); }
    }

    /// <summary>The end of a test (or why it did not run) as an event: passed, warning or failed, with what to do.</summary>
    private void PublishEnd(BatterySelfTestResult r)
    {
        var outcome = BatterySelfTestOutcome.Of(r);
        var message = outcome switch
        {
            BatterySelfTestOutcome.Passed => $"Battery self-test on '{deviceId}' passed: {r.Result}",
            BatterySelfTestOutcome.Warning => $"Battery self-test on '{deviceId}' ended with a warning: {r.Result}. Check the battery's age and health (GET /api/battery)",
            _ when r.Command != "ok" => $"Battery self-test on '{deviceId}' did not run: {r.Result}. Check that the UPS offers {Command} (upscmd -l) " +
                                        "and that the NUT user may run it (instcmds in upsd.users)",
            _ => $"Battery self-test on '{deviceId}' failed: {r.Result}. The battery may need replacing: check its age and health (GET /api/battery)",
        };
        Publish(outcome, outcome == BatterySelfTestOutcome.Passed ? EventSeverity.Info : EventSeverity.Warning, message, r);
    }

    private void Publish(string phase, EventSeverity severity, string message, BatterySelfTestResult? r)
    {
        var data = new Dictionary<string, string> { ["phase"] = phase, ["device"] = deviceId };
        if (r is not null)
        {
            data["command"] = r.Command;
            data["result"] = r.Result;
        }
        events?.Publish(new GatewayEvent(time.GetUtcNow(), EventKinds.BatterySelfTest, severity, message, deviceId, data));
    }
}
