namespace Gateway.Drivers.Em340;

/// <summary>One read request: <see cref="Count"/> registers from <see cref="Start"/>.</summary>
public readonly record struct Em340Block(ushort Start, ushort Count);
