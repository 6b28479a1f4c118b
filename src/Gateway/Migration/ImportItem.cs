namespace Gateway.Migration;

/// <summary>
/// One line of the import report: the old setting (with its line in the old file when known), the new key it went to
/// (null when it went nowhere), and a sentence saying why or what to check.
/// </summary>
public sealed record ImportItem(string OldName, int Line, string? NewName, ImportItemStatus Status, string Note);
