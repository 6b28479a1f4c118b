namespace Gateway.HomeAssistant;

/// <summary>What Home Assistant accepts for one sensor device class: its units (null: none at all) and state classes.</summary>
public sealed record HaSensorRule(string?[]? Units, string[] StateClasses);
