namespace Gateway.Shutdown;

/// <summary>Why and how to run the sequence.</summary>
/// <param name="Resume">Progress restored after a restart: finished steps are not run again.</param>
/// <param name="OnPointOfNoReturn">Called once when the sequence passes <c>shutdown.point_of_no_return</c>.</param>
/// <param name="Persist">Keep progress in data_dir (false for a rehearsal by hand).</param>
public sealed record ShutdownRequest(
    string Trigger,
    string Reason,
    bool DryRun,
    ShutdownProgress? Resume = null,
    Action? OnPointOfNoReturn = null,
    bool Persist = true);
