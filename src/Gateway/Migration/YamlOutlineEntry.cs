namespace Gateway.Migration;

/// <summary>One key of a <see cref="YamlOutline"/>: its value (a scalar, a nested outline or a list) and an optional end-of-line comment.</summary>
public sealed record YamlOutlineEntry(string Key, object Value, string? Comment);
