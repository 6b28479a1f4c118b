namespace Gateway.Hosting;

/// <summary>How <c>gateway run</c> was started, beyond the config file.</summary>
/// <param name="Simulate">Run the MUST and EM340 simulators in-process behind the real drivers (demo mode).</param>
public sealed record RunOptions(bool Simulate = false)
{
    /// <summary>The <c>--set KEY=VALUE</c> overrides, applied again whenever the file is read again.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>Whether the process runs as a systemd service (then it restarts itself to apply settings that need it).</summary>
    public bool UnderSystemd { get; init; }
}
