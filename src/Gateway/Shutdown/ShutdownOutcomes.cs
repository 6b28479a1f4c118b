namespace Gateway.Shutdown;

/// <summary>The words used in <see cref="ShutdownStepResult.Outcome"/>.</summary>
public static class ShutdownOutcomes
{
    public const string Ok = "ok";
    public const string Failed = "failed";
    public const string Timeout = "timeout";
    public const string Skipped = "skipped";
    public const string DryRun = "dry_run";
    public const string Cancelled = "cancelled";
}
