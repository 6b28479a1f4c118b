namespace Gateway.Hosting;

/// <summary>How <c>gateway run</c> was started, beyond the config file.</summary>
/// <param name="Simulate">Run the MUST and EM340 simulators in-process behind the real drivers (demo mode).</param>
public sealed record RunOptions(bool Simulate = false);
