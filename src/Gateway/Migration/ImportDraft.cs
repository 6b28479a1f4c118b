using Gateway.Configuration;

namespace Gateway.Migration;

/// <summary>
/// The configuration an importer is writing and its report, kept in step: every value written is reported with the old
/// name it came from. <see cref="Finish"/> checks the result exactly as <c>gateway check-config</c> does; a value the
/// gateway refuses (out of its range) is taken out again and reported as not mapped with the gateway's reason, so
/// what an import writes always loads.
/// </summary>
public sealed class ImportDraft(string tool, string source)
{
    private static readonly IReadOnlyDictionary<string, string> NoEnvironment = new Dictionary<string, string>();

    public YamlOutline Root { get; } = new();
    public ImportReport Report { get; } = new(tool, source);

    public void Map(string oldName, int line, string newPath, object value, string note = "", string? comment = null)
    {
        Root.Put(newPath, value, comment);
        Report.Mapped(oldName, line, newPath, note);
    }

    public void MapForReview(string oldName, int line, string newPath, object value, string note, string? comment = null)
    {
        Root.Put(newPath, value, comment);
        Report.Review(oldName, line, newPath, note);
    }

    public void Skip(string oldName, int line, string why) => Report.Unmapped(oldName, line, why);

    public ImportResult Finish()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var yaml = Root.ToString();
            var loaded = ConfigLoader.LoadText(yaml, null, NoEnvironment, []);
            var errors = loaded.Errors.ToList();
            if (errors.Count == 0) return new ImportResult(yaml, Report);
            var fixedOne = false;
            foreach (var error in errors)
            {
                var item = Report.Items.FirstOrDefault(i => i.NewName is { } n && i.Status != ImportItemStatus.Unmapped
                    && (error.Key == n || error.Key.StartsWith(n + ".", StringComparison.Ordinal)));
                if (item is null || !Root.Remove(item.NewName!)) continue;
                Report.Replace(item, item with
                {
                    NewName = null,
                    Status = ImportItemStatus.Unmapped,
                    Note = $"the gateway does not accept it as {item.NewName} ({error.Message}); left out, so the gateway's default applies",
                });
                fixedOne = true;
            }
            if (!fixedOne)
                return new ImportResult(null, Report,
                    "the converted configuration does not pass the gateway's checks (a bug in the importer; please report it with the input): "
                    + string.Join("; ", errors.Select(e => e.ToString())));
        }
        return new ImportResult(null, Report, "the converted configuration does not settle (a bug in the importer; please report it with the input)");
    }
}
