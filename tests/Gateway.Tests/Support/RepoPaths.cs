namespace Gateway.Tests.Support;

/// <summary>Finds files of the repository from the test output directory.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !System.IO.File.Exists(Path.Combine(dir.FullName, "gateway.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("gateway.sln not found above " + AppContext.BaseDirectory);
    }
}
