namespace Gateway.Indicators;

/// <summary>The patterns the setup page can play, by name, with what each means in words.</summary>
public static class IndicatorPatterns
{
    public sealed record Pattern(string Name, IndicatorState State, string Description);

    public static readonly IReadOnlyList<Pattern> All =
    [
        new("steady", IndicatorState.AllGood, "all good: LED steadily on, buzzer silent"),
        new("double_blink", IndicatorState.DeviceLinkLost, "a device link lost: two short flashes every 2 s, buzzer silent"),
        new("slow_blink", IndicatorState.OnBattery, "on battery: LED 1 s on, 1 s off, one short beep"),
        new("fast_blink", IndicatorState.ShutdownPending, "shutdown pending: LED blinking 5 times a second, one short beep"),
        new("shutting_down", IndicatorState.ShuttingDown, "shutting down: LED blinking fast, buzzer on continuously"),
    ];

    public static Pattern? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}
