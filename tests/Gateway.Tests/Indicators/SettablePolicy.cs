using Gateway.Policy;

namespace Gateway.Tests.Indicators;

/// <summary>A policy whose state the test sets.</summary>
internal sealed class SettablePolicy : IPolicyStatusSource
{
    public PolicyState State { get; set; } = PolicyState.Normal;
    public PolicyStatus Current => PolicyStatus.Unprotected with { State = State };
}
