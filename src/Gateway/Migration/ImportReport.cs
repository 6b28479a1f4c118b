using System.Text;

namespace Gateway.Migration;

/// <summary>What an import mapped, what needs a look and what it left out (each with why), as printed on standard error.</summary>
public sealed class ImportReport(string tool, string source)
{
    private readonly List<ImportItem> _items = [];

    public string Tool { get; } = tool;
    public string Source { get; } = source;
    public IReadOnlyList<ImportItem> Items => _items;

    public void Mapped(string oldName, int line, string newName, string note = "") => _items.Add(new(oldName, line, newName, ImportItemStatus.Mapped, note));
    public void Review(string oldName, int line, string newName, string note) => _items.Add(new(oldName, line, newName, ImportItemStatus.Review, note));
    public void Unmapped(string oldName, int line, string why) => _items.Add(new(oldName, line, null, ImportItemStatus.Unmapped, why));

    public void Replace(ImportItem old, ImportItem replacement)
    {
        var i = _items.IndexOf(old);
        if (i >= 0) _items[i] = replacement;
    }

    public ImportItem? Find(string oldName) => _items.FirstOrDefault(i => i.OldName == oldName);

    public int Count(ImportItemStatus status) => _items.Count(i => i.Status == status);

    public string Format()
    {
        var sb = new StringBuilder();
        sb.Append("Imported ").Append(Tool).Append(" settings from ").Append(Source).Append(": ")
          .Append(Count(ImportItemStatus.Mapped)).Append(" mapped, ")
          .Append(Count(ImportItemStatus.Review)).Append(" to review, ")
          .Append(Count(ImportItemStatus.Unmapped)).AppendLine(" not mapped.");
        foreach (var status in new[] { ImportItemStatus.Mapped, ImportItemStatus.Review, ImportItemStatus.Unmapped })
        {
            var group = _items.Where(i => i.Status == status).ToList();
            if (group.Count == 0) continue;
            sb.AppendLine(status switch
            {
                ImportItemStatus.Mapped => "mapped:",
                ImportItemStatus.Review => "mapped, check these:",
                _ => "not mapped:",
            });
            foreach (var i in group)
            {
                sb.Append("  ").Append(i.OldName);
                if (i.Line > 0) sb.Append(" (line ").Append(i.Line).Append(')');
                if (i.NewName is not null) sb.Append(" -> ").Append(i.NewName);
                if (i.Note.Length > 0) sb.Append(": ").Append(i.Note);
                sb.AppendLine();
            }
        }
        return sb.ToString();
    }
}
