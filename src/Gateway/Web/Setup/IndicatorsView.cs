namespace Gateway.Web.Setup;

/// <summary>Whether the LED and buzzer are driven, and the patterns they can play.</summary>
public sealed record IndicatorsView(string Status, IReadOnlyList<PatternView> Patterns);
