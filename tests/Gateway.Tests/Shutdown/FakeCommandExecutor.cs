using Gateway.Shutdown;

namespace Gateway.Tests.Shutdown;

/// <summary>
/// Fake commands: each call is matched (by its text prefix) to a behaviour — succeed with output, fail with a code,
/// or hang until cancelled (ignoring its own timeout, like a process stuck on a dead mount whose kill never comes).
/// Every call is recorded with the virtual time it started.
/// </summary>
public sealed class FakeCommandExecutor(TimeProvider time) : ICommandExecutor
{
    private readonly List<(string Prefix, Func<IReadOnlyList<string>, CancellationToken, Task<CommandResult>> Behaviour)> _rules = [];
    private readonly Lock _gate = new();

    public List<(TimeSpan At, string Command, TimeSpan Timeout)> Calls { get; } = [];
    private readonly long _origin = time.GetTimestamp();

    public FakeCommandExecutor Succeed(string prefix, string output = "") => On(prefix, (_, _) => Task.FromResult(new CommandResult(0, output)));
    public FakeCommandExecutor Fail(string prefix, int code = 1, string output = "boom") => On(prefix, (_, _) => Task.FromResult(new CommandResult(code, output)));
    public FakeCommandExecutor Hang(string prefix) => On(prefix, async (_, ct) =>
    {
        await Task.Delay(Timeout.InfiniteTimeSpan, time, ct);
        throw new InvalidOperationException("unreachable");
    });
    public FakeCommandExecutor TimeOut(string prefix) => On(prefix, (_, _) => Task.FromResult(new CommandResult(null, "", TimedOut: true)));
    public FakeCommandExecutor On(string prefix, Func<IReadOnlyList<string>, CancellationToken, Task<CommandResult>> behaviour)
    {
        _rules.Insert(0, (prefix, behaviour));
        return this;
    }

    public IReadOnlyList<string> Commands { get { lock (_gate) return Calls.Select(c => c.Command).ToList(); } }

    public Task<CommandResult> RunAsync(IReadOnlyList<string> argv, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var text = CommandText.Format(argv);
        lock (_gate) Calls.Add((time.GetElapsedTime(_origin), text, timeout));
        foreach (var (prefix, behaviour) in _rules)
            if (text.StartsWith(prefix, StringComparison.Ordinal)) return behaviour(argv, cancellationToken);
        return Task.FromResult(new CommandResult(0, ""));
    }
}
