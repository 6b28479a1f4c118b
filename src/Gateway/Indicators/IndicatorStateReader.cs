using Gateway.Drivers.Readings;
using Gateway.Policy;
using Gateway.Readings;

namespace Gateway.Indicators;

/// <summary>
/// Reads the gateway's state for the indicators: the policy first (shutdown, on battery), then the hub (a UPS
/// reporting OB also counts when no policy protects it; a device Lost or Stale is a lost link).
/// </summary>
public sealed class IndicatorStateReader(IPolicyStatusSource policy, ReadingHub hub)
{
    public IndicatorState Read()
    {
        switch (policy.Current.State)
        {
            case PolicyState.ShuttingDown: return IndicatorState.ShuttingDown;
            case PolicyState.ShutdownPending: return IndicatorState.ShutdownPending;
            case PolicyState.OnBattery: return IndicatorState.OnBattery;
        }
        var linkLost = false;
        foreach (var d in hub.Snapshot())
        {
            if (d.Link == LinkState.Connected && d.Latest is UpsReading { Status.OnBattery: true }) return IndicatorState.OnBattery;
            if (d.Link is LinkState.Lost or LinkState.Stale) linkLost = true;
        }
        return linkLost ? IndicatorState.DeviceLinkLost : IndicatorState.AllGood;
    }
}
