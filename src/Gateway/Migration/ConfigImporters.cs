namespace Gateway.Migration;

/// <summary>The tools an import understands, by the name the command line and the API use.</summary>
public static class ConfigImporters
{
    public static IReadOnlyList<string> Kinds { get; } = [MustMonitorImporter.Kind, UpsMonitorImporter.Kind];

    /// <summary>Converts <paramref name="text"/> (the old tool's file); null when <paramref name="kind"/> is not one of <see cref="Kinds"/>.</summary>
    public static ImportResult? Import(string kind, string text, string sourceName) => kind switch
    {
        MustMonitorImporter.Kind => MustMonitorImporter.Import(text, sourceName),
        UpsMonitorImporter.Kind => UpsMonitorImporter.Import(text, sourceName),
        _ => null,
    };
}
