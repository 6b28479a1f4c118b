using Gateway.Drivers.Readings;
using Gateway.Policy;
using Gateway.Readings;

namespace Gateway.Indicators;

/// <summary>
/// Reads the gateway's state for the indicators: the policy first (shutdown, on battery), then the hub (a UPS
/// reporting OB also counts when no policy protects it; a device Lost or Stale is a lost link). The setup page
/// can show a state for a few seconds (<see cref="Preview"/>) so the user sees and hears each pattern.
/// </summary>
public sealed class IndicatorStateReader(IPolicyStatusSource policy, ReadingHub hub, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _lock = new();
    private (IndicatorState State, DateTimeOffset Until)? _preview;

    /// <summary>Shows <paramref name="state"/> instead of the real one until <paramref name="duration"/> has passed.</summary>
    public void Preview(IndicatorState state, TimeSpan duration)
    {
        lock (_lock) _preview = (state, _time.GetUtcNow() + duration);
    }

    /// <summary>The state being previewed, or null when the indicators show the real state.</summary>
    public IndicatorState? Previewing
    {
        get
        {
            lock (_lock) return _preview is { } p && _time.GetUtcNow() < p.Until ? p.State : null;
        }
    }

    public IndicatorState Read()
    {
        if (Previewing is { } shown) return shown;
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
