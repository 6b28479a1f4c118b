using Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Gateway.Tests.Safety;

/// <summary>
/// Runs every scenario of <see cref="FaultMatrix"/> through the real policy runner and shutdown sequence in virtual
/// time and checks what fired and when; the table in docs/safety.md must list exactly these rows.
/// </summary>
public sealed class FaultMatrixTests(ITestOutputHelper output)
{
    public const string TableStart = "<!-- fault-matrix:start -->";
    public const string TableEnd = "<!-- fault-matrix:end -->";

    public static TheoryData<string> Names => new(FaultMatrix.All.Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Scenario(string name)
    {
        var s = FaultMatrix.All.Single(x => x.Name == name);
        var policy = s.Settings.StartsWith("policy: ", StringComparison.Ordinal) ? s.Settings["policy: ".Length..] : "";
        await using var rig = new SafetyRig(s.DryRun, policy, s.PoweroffSeconds);
        var actual = await rig.RunAsync(s.Script);
        output.WriteLine($"{s.Name}: {s.Script}\n  → {actual}");
        Assert.Equal(s.Expected, actual);
    }

    [Fact]
    public void Docs_safety_md_lists_every_scenario_with_its_expected_outcome()
    {
        var table = Table();
        output.WriteLine(table);
        var doc = File.ReadAllText(RepoPaths.File("docs", "safety.md"));
        var start = doc.IndexOf(TableStart, StringComparison.Ordinal);
        var end = doc.IndexOf(TableEnd, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/safety.md has no {TableStart} … {TableEnd} section");
        var inDoc = doc[(start + TableStart.Length)..end].Trim();
        Assert.Equal(table, inDoc);
        Assert.True(FaultMatrix.All.Count >= 60, $"only {FaultMatrix.All.Count} scenarios");
        Assert.Equal(FaultMatrix.All.Count, FaultMatrix.All.Select(x => x.Name).Distinct().Count());
    }

    public static string Table() =>
        string.Join("\n", new[] { "| class | scenario | UPS script | settings | what happens |", "|---|---|---|---|---|" }
            .Concat(FaultMatrix.All.Select(s => s.Row)));
}
