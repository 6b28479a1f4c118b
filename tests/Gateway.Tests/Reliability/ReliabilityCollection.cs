namespace Gateway.Tests.Reliability;

/// <summary>
/// Reliability tests that count the whole process's descriptors and threads run alone, after every parallel
/// test, so nothing else opens files or starts threads while they count.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "reliability (alone)";
}
