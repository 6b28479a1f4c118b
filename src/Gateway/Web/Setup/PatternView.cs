namespace Gateway.Web.Setup;

/// <summary>One LED/buzzer pattern and what it means.</summary>
public sealed record PatternView(string Name, string Description);
