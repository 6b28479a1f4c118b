namespace Gateway.Tests.Simulation;

/// <summary>Tests that open real ptys run one class at a time, so thread/descriptor leak checks see only their own ports.</summary>
[CollectionDefinition(Name)]
public sealed class SerialPtyCollection
{
    public const string Name = "serial ptys";
}
