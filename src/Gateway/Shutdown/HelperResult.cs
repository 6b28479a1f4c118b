namespace Gateway.Shutdown;

/// <summary>How one request to the root helper ended, the command that carried it, and a sentence for the step report.</summary>
public sealed record HelperResult(HelperStatus Status, string Command, string Detail);
