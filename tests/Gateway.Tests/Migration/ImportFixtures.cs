using Gateway.Configuration;
using Gateway.Migration;
using Gateway.Tests.Support;

namespace Gateway.Tests.Migration;

/// <summary>The sample inputs under Migration/Fixtures and the checks every import result must pass.</summary>
internal static class ImportFixtures
{
    public static string Path(string name) => RepoPaths.File("tests", "Gateway.Tests", "Migration", "Fixtures", name);

    public static string Read(string name) => File.ReadAllText(Path(name));

    /// <summary>The YAML loads exactly as 'gateway check-config' would load it, without errors.</summary>
    public static GatewayConfig Loads(ImportResult result)
    {
        Assert.True(result.Succeeded, result.Problem);
        var loaded = ConfigLoader.LoadText(result.Yaml!, "imported.yaml", new Dictionary<string, string>(), []);
        Assert.True(loaded.Config is not null, string.Join("\n", loaded.Problems) + "\n" + result.Yaml);
        return loaded.Config!;
    }

    public static ImportItem Item(ImportResult result, string oldName) =>
        result.Report.Find(oldName) ?? throw new Xunit.Sdk.XunitException($"'{oldName}' is not in the report:\n{result.Report.Format()}");
}
