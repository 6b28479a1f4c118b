namespace Gateway.Shutdown;

/// <summary>What a step says about its run; the sequence adds the name and duration.</summary>
public sealed record StepReport(string Outcome, string Detail)
{
    public static StepReport Ok(string detail) => new(ShutdownOutcomes.Ok, detail);
    public static StepReport Failed(string detail) => new(ShutdownOutcomes.Failed, detail);
    public static StepReport TimedOut(string detail) => new(ShutdownOutcomes.Timeout, detail);
    public static StepReport Skipped(string detail) => new(ShutdownOutcomes.Skipped, detail);
    public static StepReport DryRun(string detail) => new(ShutdownOutcomes.DryRun, "[DRY-RUN] " + detail);

    public static StepReport FromCommand(IReadOnlyList<string> argv, CommandResult r) =>
        r.Succeeded ? Ok($"{CommandText.Format(argv)}: {r.Describe()}")
        : r.TimedOut ? TimedOut($"{CommandText.Format(argv)}: {r.Describe()}")
        : Failed($"{CommandText.Format(argv)}: {r.Describe()}");

    /// <summary>Several reports of one step (one per helper request): the worst outcome, every detail.</summary>
    public static StepReport Combine(IReadOnlyList<StepReport> reports)
    {
        if (reports.Count == 1) return reports[0];
        string[] worstFirst = [ShutdownOutcomes.Failed, ShutdownOutcomes.Timeout, ShutdownOutcomes.DryRun, ShutdownOutcomes.Ok, ShutdownOutcomes.Skipped];
        var outcome = worstFirst.FirstOrDefault(o => reports.Any(r => r.Outcome == o)) ?? reports[0].Outcome;
        return new StepReport(outcome, string.Join("; ", reports.Select(r => r.Detail)));
    }
}
