using Gateway.Shutdown;

namespace Gateway.Web;

/// <summary>The body of POST /api/shutdown/test: what each step would have done.</summary>
public sealed record RehearsalReport(bool DryRun, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, double DurationSeconds, IReadOnlyList<RehearsalStep> Steps)
{
    public static RehearsalReport From(ShutdownRunSummary s) => new(
        s.DryRun, s.StartedAt, s.FinishedAt, Math.Round((s.FinishedAt - s.StartedAt).TotalSeconds, 3),
        s.Steps.Select(x => new RehearsalStep(x.Step, x.Outcome, x.Detail, Math.Round(x.Duration.TotalSeconds, 3))).ToArray());
}

public sealed record RehearsalStep(string Step, string Outcome, string Detail, double DurationSeconds);
