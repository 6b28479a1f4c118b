namespace Gateway.Web;

/// <summary>GET /api/config/status: the configuration the gateway runs on, what waits for a restart, a refused file.</summary>
/// <param name="Source">The config file.</param>
/// <param name="Version">0 at start, one more for every apply that changed something.</param>
/// <param name="AppliedAt">When the last apply that changed something ran (null before the first).</param>
/// <param name="Applied">The sections that apply took live.</param>
/// <param name="RestartPending">Whether some applied settings wait for a restart.</param>
/// <param name="RestartReasons">One sentence for each such setting.</param>
/// <param name="RestartAutomatic">True when the gateway restarts by itself (under systemd, never during an outage).</param>
/// <param name="PolicySettingsPending">New policy settings wait for the outage in progress to end.</param>
/// <param name="FileProblems">Every problem of the file on disk when it was refused (the gateway kept its configuration).</param>
public sealed record ConfigStatusReport(
    string? Source,
    long Version,
    DateTimeOffset? AppliedAt,
    IReadOnlyList<string> Applied,
    bool RestartPending,
    IReadOnlyList<string> RestartReasons,
    bool RestartAutomatic,
    bool PolicySettingsPending,
    IReadOnlyList<string> FileProblems);
