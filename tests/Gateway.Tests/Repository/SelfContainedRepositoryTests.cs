using System.Text.RegularExpressions;

namespace Gateway.Tests.Repository;

/// <summary>A fresh clone has everything its comments and docs point to: no folder outside the repository is cited.</summary>
public sealed partial class SelfContainedRepositoryTests
{
    private static readonly string[] Folders = ["src", "docs", "tests", "bench", "packaging", "image", "systemd", "ci", "scripts", "grafana"];
    private static readonly string[] TextExtensions = [".cs", ".md", ".sh", ".yaml", ".yml", ".json", ".txt", ".service", ".conf", ".csproj", ".props", ".html", ".js", ".css"];

    [Fact]
    public void Nothing_cites_the_shared_folder_a_clone_does_not_have()
    {
        var hits = TextFiles()
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (f, i, line)))
            .Where(x => OutsideReference().IsMatch(x.line))
            .Select(x => $"{Path.GetRelativePath(RepoPaths.Root, x.f)}:{x.i + 1}: {x.line.Trim()}")
            .ToList();
        Assert.True(hits.Count == 0, "cites a folder outside the repository (put what it needs into docs/reference/ and point there):\n" + string.Join("\n", hits));
    }

    [Fact]
    public void Every_docs_reference_page_a_comment_names_exists()
    {
        var named = TextFiles()
            .SelectMany(f => ReferencePage().Matches(File.ReadAllText(f)).Select(m => (f, page: m.Groups[1].Value)))
            .ToList();
        Assert.NotEmpty(named);
        var missing = named.Where(x => !File.Exists(RepoPaths.File("docs", "reference", x.page)))
            .Select(x => $"{Path.GetRelativePath(RepoPaths.Root, x.f)} names docs/reference/{x.page}, which does not exist");
        Assert.Empty(missing);
    }

    private static IEnumerable<string> TextFiles() =>
        Folders.Select(d => RepoPaths.File(d)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Append(RepoPaths.File("README.md"))
            .Where(f => TextExtensions.Contains(Path.GetExtension(f)))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => Path.GetFileName(f) != "SelfContainedRepositoryTests.cs");

    // "shared/reference", "../shared/", "/work/shared": the folder the project was written next to.
    [GeneratedRegex(@"(\.\./|/work/|\b)shared/(reference|DESIGN)")]
    private static partial Regex OutsideReference();

    [GeneratedRegex(@"docs/reference/([a-z0-9-]+\.md)")]
    private static partial Regex ReferencePage();
}
