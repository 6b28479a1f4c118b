namespace Gateway.Hotplug;

/// <param name="Section">The section to write (Configure) or the one in effect.</param>
/// <param name="Reason">A sentence for the log.</param>
public sealed record HotplugDecision(HotplugAction Action, UpsConfSection? Section, string Reason);
