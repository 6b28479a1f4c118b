namespace Gateway.Web;

/// <summary>
/// The body of <c>POST /api/config/import/{kind}</c>: the converted configuration (null when the input could not be
/// converted, with <paramref name="Problem"/> saying why), each old setting's fate, and the report as the command line
/// prints it. Nothing is written: the settings page shows this and saves through its own validated path.
/// </summary>
public sealed record ImportReply(string Kind, bool Ok, string? Yaml, string? Problem, int Mapped, int Review, int Unmapped,
    IReadOnlyList<ImportItemView> Items, string Report);

/// <param name="Status">mapped, review or unmapped.</param>
public sealed record ImportItemView(string OldName, int Line, string? NewName, string Status, string Note);
