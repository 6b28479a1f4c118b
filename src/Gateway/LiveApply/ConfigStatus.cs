using Gateway.Hosting;

namespace Gateway.LiveApply;

/// <summary>
/// Where the running configuration stands, for /api/health ("config") and GET /api/config/status: the last apply,
/// the settings waiting for a restart, and the problems of a file on disk that could not be applied.
/// </summary>
public sealed class ConfigStatus(LiveConfig live, SelfRestart restart, TimeProvider time) : IHealthContributor
{
    private readonly Lock _gate = new();
    private IReadOnlyList<string> _fileProblems = [];
    private string? _fileProblemsPath;

    public string Name => "config";

    public LiveConfig Live => live;
    public SelfRestart Restart => restart;
    /// <summary>When the last apply that changed something ran.</summary>
    public DateTimeOffset? LastAppliedAt { get; private set; }

    /// <summary>The sections the last apply that changed something took live.</summary>
    public IReadOnlyList<string> LastApplied { get; private set; } = [];

    /// <summary>The problems of the file on disk that was last refused (empty when the last file read was valid).</summary>
    public IReadOnlyList<string> FileProblems
    {
        get { lock (_gate) return _fileProblems; }
    }

    public string? FileProblemsPath
    {
        get { lock (_gate) return _fileProblemsPath; }
    }

    internal void RecordApplied(IReadOnlyList<string> applied)
    {
        lock (_gate)
        {
            LastAppliedAt = time.GetUtcNow();
            LastApplied = applied;
        }
    }

    internal void RecordFile(string? path, IReadOnlyList<string> problems)
    {
        lock (_gate)
        {
            _fileProblems = problems;
            _fileProblemsPath = problems.Count > 0 ? path : null;
        }
    }

    public ComponentHealth Check()
    {
        var problems = FileProblems;
        if (problems.Count > 0)
            return new ComponentHealth("invalid_file", false,
                $"{FileProblemsPath} has {problems.Count} problem(s) and was not applied; the gateway keeps running on the previous configuration: {string.Join(" | ", problems)}");
        var pending = restart.Pending;
        if (pending.Count > 0)
            return new ComponentHealth("restart_pending", true,
                (restart.Automatic ? "the gateway restarts by itself (never during an outage) to apply: " : "restart the gateway to apply: ") + string.Join("; ", pending));
        return new ComponentHealth("current", true, live.Current.SourcePath);
    }
}
