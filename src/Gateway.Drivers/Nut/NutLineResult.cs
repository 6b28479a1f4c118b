namespace Gateway.Drivers.Nut;

/// <param name="Line">The line without its LF (and CR), when <see cref="Status"/> is Line.</param>
public readonly record struct NutLineResult(NutLineStatus Status, string? Line);
