namespace Gateway.DeviceCommands;

/// <summary>The gate's answer: a verdict and a sentence for the caller (what happened and, when refused, what to do).</summary>
public sealed record CommandOutcome(CommandVerdict Verdict, string Message, TimeSpan RetryAfter = default)
{
    /// <summary>Done, or nothing needed doing.</summary>
    public bool Succeeded => Verdict is CommandVerdict.Done or CommandVerdict.AlreadySet;

    /// <summary>Refused by the gate itself (policy, not device trouble): logged with the source and published as an event.</summary>
    public bool Refused => Verdict is CommandVerdict.Forbidden or CommandVerdict.Busy or CommandVerdict.RateLimited;
}
