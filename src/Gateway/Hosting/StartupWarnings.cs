namespace Gateway.Hosting;

/// <summary>Warnings found at start-up (no devices, loose file permissions, …), shown in /api/health until fixed.</summary>
public sealed class StartupWarnings
{
    private readonly List<string> _items = [];
    public IReadOnlyList<string> Items { get { lock (_items) return _items.ToArray(); } }
    public void Add(string warning) { lock (_items) _items.Add(warning); }
}
