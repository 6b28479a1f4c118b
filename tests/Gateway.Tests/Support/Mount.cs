using System.Diagnostics;

namespace Gateway.Tests.Support;

/// <summary>A mount made for one test (needs root): a read-only bind mount or a tiny full tmpfs; unmounted on dispose.</summary>
public sealed class Mount : IAsyncDisposable
{
    private readonly string _path;

    private Mount(string path) => _path = path;

    public static async Task<Mount> ReadOnlyAsync(string path)
    {
        await RunAsync("mount", "--bind", path, path);
        var m = new Mount(path);
        await RunAsync("mount", "-o", "remount,ro,bind", path);
        return m;
    }

    /// <summary>An empty 64 KiB tmpfs at <paramref name="path"/>.</summary>
    public static async Task<Mount> TmpfsAsync(string path)
    {
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", path);
        return new Mount(path);
    }

    /// <summary>A 64 KiB tmpfs at <paramref name="path"/>, filled to the last byte.</summary>
    public static async Task<Mount> FullTmpfsAsync(string path)
    {
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", path);
        var m = new Mount(path);
        try
        {
            await using var filler = File.Create(Path.Combine(path, "filler"));
            await filler.WriteAsync(new byte[1024 * 1024]);
            await filler.FlushAsync();
        }
        catch (IOException) { }
        return m;
    }

    /// <summary>Unmounts it unless it is gone already (a test may have unmounted it).</summary>
    public async ValueTask DisposeAsync()
    {
        if (IsMounted(_path)) await RunAsync("umount", "-l", _path);
    }

    /// <summary>Whether <paramref name="path"/> is a mount point in this process's mount table (which escapes a space as \040).</summary>
    public static bool IsMounted(string path) =>
        File.ReadLines("/proc/self/mounts").Any(l => l.Split(' ') is [_, var target, ..] && target == path.Replace(" ", "\\040", StringComparison.Ordinal));

    private static async Task RunAsync(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var err = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {err}");
    }
}
