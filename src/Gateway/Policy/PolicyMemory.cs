namespace Gateway.Policy;

/// <summary>
/// What the policy keeps across a restart during an outage (data_dir/policy-state.json): when the outage began and
/// the charge history of the depletion window, on the wall clock (the monotonic clock restarts with the process).
/// </summary>
/// <param name="Confirmed">The outage had been confirmed before the restart.</param>
public sealed record PolicyMemory(DateTimeOffset SavedAt, DateTimeOffset? OnBatterySince, IReadOnlyList<PolicyMemorySample> Samples, bool Confirmed = false);

public sealed record PolicyMemorySample(DateTimeOffset At, double Charge);
