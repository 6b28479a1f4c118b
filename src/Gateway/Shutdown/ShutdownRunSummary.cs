namespace Gateway.Shutdown;

/// <summary>What a run of the shutdown sequence did, step by step.</summary>
public sealed record ShutdownRunSummary(bool DryRun, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, IReadOnlyList<ShutdownStepResult> Steps);

/// <param name="Step">vms, containers, sync, unmount:/mnt/nas, nut_fsd, ssh:nas, local.</param>
/// <param name="Outcome">ok, failed, timeout, skipped or dry_run.</param>
/// <param name="Detail">The exact command (in a dry run) or what happened.</param>
public sealed record ShutdownStepResult(string Step, string Outcome, string Detail, TimeSpan Duration);
