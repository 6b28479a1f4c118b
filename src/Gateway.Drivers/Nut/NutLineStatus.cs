namespace Gateway.Drivers.Nut;

/// <summary>What <see cref="NutLineReader.ReadLineAsync"/> found: a line, an overlong line (skipped), or the end of the stream.</summary>
public enum NutLineStatus { Line, TooLong, End }
