namespace Gateway.Indicators;

/// <summary>What the LED and buzzer show, most urgent last (the highest applicable state wins).</summary>
public enum IndicatorState
{
    AllGood,
    DeviceLinkLost,
    OnBattery,
    ShutdownPending,
    ShuttingDown,
}
