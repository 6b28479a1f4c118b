using Gateway.Configuration;

namespace Gateway.Shutdown.Steps;

/// <summary>
/// <c>umount [options] path</c> in a separate process, killed at the timeout: a dead NFS server cannot hang the
/// sequence. A path that is not mounted is skipped. Through the root helper the request is
/// <c>unmount [lazy] [force] PATH</c>: the helper resolves the path as root, unmounts it in PID 1's mount namespace
/// and checks that it is gone from the host's mount table.
/// </summary>
public sealed class UnmountStep(UnmountOptions options, string mountTable = "/proc/self/mounts", bool viaHelper = false) : IShutdownStep
{
    public string Name => $"unmount:{options.Path}";
    public string Kind => ShutdownStepKinds.Unmounts;
    public TimeSpan Budget => options.Timeout + TimeSpan.FromSeconds(5);

    /// <summary>The direct command: <c>umount [options] path</c>.</summary>
    public IReadOnlyList<string> Argv => ["umount", .. CommandText.Split(options.Options), options.Path];

    public async Task<StepReport> RunAsync(ShutdownStepContext ctx, CancellationToken ct)
    {
        if (viaHelper)
        {
            // The helper decides "not mounted" in the host's mount table, not in this process's copy of it.
            var request = PrivilegedHelper.UnmountRequest(options, ctx.DryRun, out var problem);
            if (request is null) return StepReport.Failed(problem!);
            var helper = await PrivilegedHelper.RunAsync(ctx.Executor, request, options.Timeout, ct).ConfigureAwait(false);
            return PrivilegedHelper.Report(helper, ctx.DryRun);
        }
        var mounted = IsMounted();
        if (mounted == false) return StepReport.Skipped($"{options.Path} is not mounted");
        if (ctx.DryRun) return StepReport.DryRun($"{CommandText.Format(Argv)} (timeout {Duration.Format(options.Timeout)})");
        var r = await ctx.Executor.RunAsync(Argv, options.Timeout, ct).ConfigureAwait(false);
        return StepReport.FromCommand(Argv, r);
    }

    /// <summary>True/false from the mount table; null when it cannot be read (then umount is tried anyway).</summary>
    private bool? IsMounted()
    {
        try
        {
            var target = options.Path.Length > 1 ? options.Path.TrimEnd('/') : options.Path;
            foreach (var line in File.ReadLines(mountTable))
            {
                var fields = line.Split(' ');
                if (fields.Length > 1 && Unescape(fields[1]) == target) return true;
            }
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // The mount table escapes space, tab, newline and backslash as octal (\040 …).
    private static string Unescape(string field) =>
        field.Replace("\\040", " ").Replace("\\011", "\t").Replace("\\012", "\n").Replace("\\134", "\\");
}
