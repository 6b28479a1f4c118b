using Gateway.Policy;

namespace Gateway.Tests.LiveApply;

/// <summary>A policy status a test sets by hand.</summary>
public sealed class SettablePolicyStatus : IPolicyStatusSource
{
    public PolicyStatus Current { get; set; } = PolicyStatus.Unprotected;

    public void OnBattery(DateTimeOffset since) => Current = Current with { State = PolicyState.OnBattery, OnBatterySince = since };

    public void Normal() => Current = PolicyStatus.Unprotected;
}
