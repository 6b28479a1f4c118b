namespace Gateway.Web.Settings;

/// <summary>
/// The 200 body of a saved change: which sections were applied live, which changes wait for a restart (each a sentence),
/// a summary sentence for the page, and warnings (e.g. a key the environment overrides).
/// </summary>
public sealed record ConfigSaveReply(bool Saved, IReadOnlyList<string> Applied, IReadOnlyList<string> NeedsRestart, string Message,
    IReadOnlyList<string> Warnings);
