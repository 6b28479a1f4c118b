namespace Gateway.Shutdown.Shedding;

/// <summary>
/// A final-sequence step for a host that a shedding stage may already have shut down: skipped (not failed on a
/// refused connection) when it was shed in this outage and is still down.
/// </summary>
public sealed class ShedAwareStep(IShutdownStep inner, Func<bool> alreadyShed) : IShutdownStep
{
    public string Name => inner.Name;
    public string Kind => inner.Kind;
    public TimeSpan Budget => inner.Budget;

    public Task<StepReport> RunAsync(ShutdownStepContext ctx, CancellationToken ct) =>
        alreadyShed() ? Task.FromResult(StepReport.Skipped("shed earlier in this outage; already down")) : inner.RunAsync(ctx, ct);
}
