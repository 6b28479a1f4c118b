namespace Gateway.Policy;

/// <summary>The result of one evaluation.</summary>
/// <param name="Trigger">The trigger that fired (with <see cref="PolicyAction.StartShutdown"/>), else null.</param>
/// <param name="Message">What changed, in words; null when nothing worth logging changed.</param>
public sealed record PolicyDecision(PolicyAction Action, TriggerHit? Trigger, string? Message, PolicyStatus Status)
{
    public bool Changed => Message is not null;
}
