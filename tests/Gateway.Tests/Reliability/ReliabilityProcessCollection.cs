namespace Gateway.Tests.Reliability;

/// <summary>
/// The reliability tests that drive whole processes (SIGKILL loops, a gateway under 2,000 connections) run one
/// at a time, after the parallel tests, so their timings and memory figures are not skewed by each other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityProcessCollection
{
    public const string Name = "Reliability processes";
}
