namespace Gateway.Setup;

/// <summary>One thing a test learned, e.g. ("model", "EM340") or ("firmware", "1.2.3").</summary>
public sealed record ToolFact(string Name, string Value);
