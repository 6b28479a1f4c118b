namespace Gateway.Tests.Reliability;

/// <summary>
/// How many fuzz inputs each parser gets. CI runs the full 1,000,000 per parser (issue 9); set
/// GATEWAY_FUZZ_ITERATIONS to run fewer while iterating locally.
/// </summary>
public static class FuzzBudget
{
    public static long Iterations { get; } =
        long.TryParse(Environment.GetEnvironmentVariable("GATEWAY_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : 1_000_000;

    /// <summary>No single input may take longer than this (a hang is a failure too).</summary>
    public static readonly TimeSpan PerInputLimit = TimeSpan.FromMilliseconds(100);
}
