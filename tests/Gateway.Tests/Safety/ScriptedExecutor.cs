using Gateway.Shutdown;

namespace Gateway.Tests.Safety;

/// <summary>
/// Shutdown commands in virtual time: each takes a fixed virtual duration (sync 20 s by default, everything else at
/// once) and is recorded with the scenario time it started. It also tells the rig when the sequence is settled: every
/// command still running is waiting for a virtual time that has not come yet.
/// </summary>
public sealed class ScriptedExecutor(TimeProvider time, Func<double> scenarioSeconds) : ICommandExecutor
{
    private readonly Lock _gate = new();
    private readonly List<(DateTimeOffset Due, CancellationToken Token)> _running = [];

    public Dictionary<string, TimeSpan> Durations { get; } = new(StringComparer.Ordinal) { ["sync"] = TimeSpan.FromSeconds(20) };
    public List<(double At, string Command)> Calls { get; } = [];

    public bool Settled
    {
        get
        {
            var now = time.GetUtcNow();
            lock (_gate) return _running.All(r => r.Due > now && !r.Token.IsCancellationRequested);
        }
    }

    public int Running { get { lock (_gate) return _running.Count; } }

    public async Task<CommandResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var text = CommandText.Format(argv);
        var took = Durations.GetValueOrDefault(text, TimeSpan.Zero);
        lock (_gate) Calls.Add((scenarioSeconds(), text));
        if (took <= TimeSpan.Zero) return new CommandResult(0, "");
        var entry = (time.GetUtcNow() + took, cancellationToken);
        lock (_gate) _running.Add(entry);
        try
        {
            await Task.Delay(took, time, cancellationToken).ConfigureAwait(false);
            return new CommandResult(0, "");
        }
        finally
        {
            lock (_gate) _running.Remove(entry);
        }
    }
}
