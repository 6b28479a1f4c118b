namespace Gateway.Setup;

/// <summary>The body of POST /api/setup/indicators/test: a pattern name (steady, double_blink, slow_blink, fast_blink, shutting_down) and for how many seconds (1-10, default 5).</summary>
public sealed record IndicatorTestRequest(string? Pattern, int? Seconds);
