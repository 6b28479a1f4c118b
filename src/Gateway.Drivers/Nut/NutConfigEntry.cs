namespace Gateway.Drivers.Nut;

/// <param name="Line">1-based line number where the entry starts.</param>
/// <param name="Section">The section it belongs to (null before the first one).</param>
/// <param name="Words">For a directive: the key first, then its values.</param>
public sealed record NutConfigEntry(int Line, string? Section, IReadOnlyList<string> Words, string? Error)
{
    public bool IsSection { get; init; }
    public string Key => Words.Count > 0 ? Words[0] : "";
    public string? Value => Words.Count > 1 ? Words[1] : null;
}
