namespace Gateway.Shutdown;

/// <summary>Why and how to run the sequence.</summary>
/// <param name="Resume">Progress restored after a restart: finished steps are not run again.</param>
/// <param name="PassPointOfNoReturn">Asked once, just before the sequence passes <c>shutdown.point_of_no_return</c>:
/// true lets it pass; false means the shutdown was cancelled in the same instant, and the sequence stops as cancelled.
/// The policy answers under the same lock it cancels under, so what it announced is what happens.</param>
/// <param name="Persist">Keep progress in data_dir (false for a rehearsal by hand).</param>
public sealed record ShutdownRequest(
    string Trigger,
    string Reason,
    bool DryRun,
    ShutdownProgress? Resume = null,
    Func<bool>? PassPointOfNoReturn = null,
    bool Persist = true);
