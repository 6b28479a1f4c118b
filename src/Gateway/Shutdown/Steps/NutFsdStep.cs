using Gateway.Configuration;
using Gateway.NutServer;

namespace Gateway.Shutdown.Steps;

/// <summary>
/// Sets FSD on the gateway's NUT server so its secondaries (NAS, other upsmon clients) shut themselves down, then
/// waits up to <c>hostsync</c> for them to log out, as upsmon's primary does.
/// </summary>
public sealed class NutFsdStep(NutFsdStepOptions options, IFsdSignal? fsd, string? deviceId) : IShutdownStep
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(250);

    public string Name => "nut_fsd";
    public string Kind => ShutdownStepKinds.NutFsd;
    public TimeSpan Budget => options.Hostsync + TimeSpan.FromSeconds(5);

    public async Task<StepReport> RunAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        if (fsd is null) return StepReport.Skipped("no NUT server runs in this process (nut_server disabled or not available)");
        if (deviceId is null) return StepReport.Skipped("no protected UPS to set FSD on");
        var logins = fsd.LoginCount(deviceId);
        if (ctx.DryRun)
            return StepReport.DryRun($"set FSD on UPS '{deviceId}' and wait up to {Duration.Format(options.Hostsync)} for {logins} logged-in secondar{(logins == 1 ? "y" : "ies")} to log out");

        fsd.SetFsd(deviceId, ctx.Reason);
        var start = ctx.Time.GetTimestamp();
        while ((logins = fsd.LoginCount(deviceId)) > 0 && ctx.Time.GetElapsedTime(start) < options.Hostsync)
            await Task.Delay(PollEvery, ctx.Time, ct).ConfigureAwait(false);
        var waited = ctx.Time.GetElapsedTime(start);
        return logins == 0
            ? StepReport.Ok($"FSD set on '{deviceId}'; all secondaries logged out after {waited.TotalSeconds:0.0}s")
            : StepReport.TimedOut($"FSD set on '{deviceId}'; {logins} secondar{(logins == 1 ? "y" : "ies")} still logged in after hostsync {Duration.Format(options.Hostsync)}");
    }
}
