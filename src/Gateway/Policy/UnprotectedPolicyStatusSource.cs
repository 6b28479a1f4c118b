namespace Gateway.Policy;

/// <summary>The status when no policy runs (no UPS to protect).</summary>
public sealed class UnprotectedPolicyStatusSource : IPolicyStatusSource
{
    public PolicyStatus Current => PolicyStatus.Unprotected;
}
