using Gateway.Policy;

namespace Gateway.Tests.Web;

public sealed class MutablePolicySource : IPolicyStatusSource
{
    public PolicyStatus Current { get; set; } = PolicyStatus.Unprotected;
}
