namespace Gateway.Setup;

/// <summary>One step of a multi-step test (connect, list, log in, …) and whether it worked.</summary>
public sealed record ToolStep(bool Ok, string Text);
