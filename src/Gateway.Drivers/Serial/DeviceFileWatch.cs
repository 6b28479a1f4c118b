namespace Gateway.Drivers.Serial;

/// <summary>
/// Waits for a configured device path (a by-id link, a udev name, a tty) to exist. It watches, through
/// inotify (<see cref="FileSystemWatcher"/>), the nearest directory on the way that exists now:
/// <c>/dev/serial/by-id</c> itself disappears with the last adapter, so with nothing plugged in it is
/// <c>/dev</c> that is watched, then <c>/dev/serial</c>, then the link's own directory as they appear. A
/// dangling link also has its target's directory watched. Each watched directory's parent is watched for that
/// directory's own name: inotify drops a watch whose directory is deleted and .NET says nothing then, so without it
/// a wait on <c>/dev/serial/by-id</c> would go deaf when the other adapter of two is unplugged and udev removes the
/// directory. A re-check covers what no event can (2 s when a watch could not be set, 30 s otherwise).
/// </summary>
public static class DeviceFileWatch
{
    /// <summary>Re-check interval when a watch could not be set (e.g. the user's inotify instances are used up).</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Re-check interval when every watch is set. Each round sets the watches up again and arms a timer (about five
    /// wake-ups of the gateway's threads), so at 2 s two unplugged adapters cost ten wake-ups a second
    /// (bench/results.md, thirteenth round).
    /// </summary>
    public static readonly TimeSpan WatchedRecheck = TimeSpan.FromSeconds(30);

    /// <summary>Returns once <paramref name="path"/> resolves to an existing file; throws only on cancellation.</summary>
    public static async Task WaitForAsync(string path, TimeProvider time, CancellationToken ct)
    {
        // The wait is for a change from "absent", the state just seen: a device that appears right after this check
        // is a change. (Resolving again inside the wait took a device that appeared in between for the starting
        // state and waited for it to change, for ever: a replug in that instant was never noticed.)
        while (DevicePath.Resolve(path) is null) await WaitForChangeAsync(path, from: null, limit: null, time, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until what <paramref name="path"/> resolves to differs from what it resolved to on entry (the
    /// device appeared, vanished or now points elsewhere), or until <paramref name="limit"/> has passed.
    /// True when it changed.
    /// </summary>
    public static Task<bool> WaitForChangeAsync(string path, TimeSpan? limit, TimeProvider time, CancellationToken ct) =>
        WaitForChangeAsync(path, DevicePath.Resolve(path), limit, time, ct);

    /// <summary>
    /// Waits until what <paramref name="path"/> resolves to differs from <paramref name="from"/> (what the caller saw,
    /// null for absent): true at once when it already does; false when <paramref name="limit"/> passed first.
    /// </summary>
    public static async Task<bool> WaitForChangeAsync(string path, string? from, TimeSpan? limit, TimeProvider time, CancellationToken ct)
    {
        var initial = from;
        // A replug that brings the same name back resolves as before: an event on the name itself counts.
        string[] names = initial is null ? [Path.GetFullPath(path)] : [Path.GetFullPath(path), initial];
        var touched = 0;
        var started = time.GetTimestamp();
        while (true)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var watchers = new List<FileSystemWatcher>(4);
            try
            {
                var watched = DirectoriesToWatch(path);
                var everyWatch = true;
                foreach (var dir in watched)
                {
                    if (Watch(dir, changed, names, () => Interlocked.Exchange(ref touched, 1)) is { } w) watchers.Add(w);
                    else everyWatch = false;
                    if (Path.GetDirectoryName(dir) is not { } parent) continue;
                    if (WatchGoing(parent, Path.GetFileName(dir), changed) is { } p) watchers.Add(p);
                    else everyWatch = false;
                }
                // Armed before this check, so a change in between is not missed.
                if (DevicePath.Resolve(path) != initial || Volatile.Read(ref touched) == 1) return true;
                // A directory on the way that appeared while the watches were being set (udev makes serial/ and
                // serial/by-id/ together) is watched from the next round at once, not after the re-check.
                if (!watched.SequenceEqual(DirectoriesToWatch(path))) continue;
                var wait = everyWatch ? WatchedRecheck : Recheck;
                if (limit is { } l)
                {
                    var remaining = l - time.GetElapsedTime(started);
                    if (remaining <= TimeSpan.Zero) return false;
                    if (remaining < wait) wait = remaining;
                }
                try
                {
                    await changed.Task.WaitAsync(wait, time, ct).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                }
            }
            finally
            {
                foreach (var w in watchers) w.Dispose();
            }
        }
    }

    /// <summary>A watch on <paramref name="parent"/> for the one entry <paramref name="name"/> going away (deleted, renamed).</summary>
    private static FileSystemWatcher? WatchGoing(string parent, string name, TaskCompletionSource changed) =>
        Start(parent, name, NotifyFilters.DirectoryName, w =>
        {
            w.Deleted += (_, _) => changed.TrySetResult();
            w.Renamed += (_, _) => changed.TrySetResult();
        }, changed);

    private static FileSystemWatcher? Watch(string dir, TaskCompletionSource changed, string[] names, Action touch)
    {
        void On(FileSystemEventArgs e)
        {
            if (Array.IndexOf(names, e.FullPath) >= 0 || e is RenamedEventArgs r && Array.IndexOf(names, r.OldFullPath) >= 0) touch();
            changed.TrySetResult();
        }
        return Start(dir, "*", NotifyFilters.FileName | NotifyFilters.DirectoryName, w =>
        {
            w.Created += (_, e) => On(e);
            w.Renamed += (_, e) => On(e);
            w.Deleted += (_, e) => On(e);
        }, changed);
    }

    /// <summary>
    /// An inotify watch on <paramref name="dir"/> (its entries matching <paramref name="filter"/>), or null when none can
    /// be set (e.g. the inotify instance limit): the re-check interval still finds the device. An overflow or error of
    /// the watch counts as a change.
    /// </summary>
    private static FileSystemWatcher? Start(string dir, string filter, NotifyFilters notify, Action<FileSystemWatcher> wire, TaskCompletionSource changed)
    {
        FileSystemWatcher? w = null;
        try
        {
            w = new FileSystemWatcher(dir, filter) { IncludeSubdirectories = false, NotifyFilter = notify };
            wire(w);
            w.Error += (_, _) => changed.TrySetResult();
            w.EnableRaisingEvents = true;
            return w;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or PlatformNotSupportedException)
        {
            w?.Dispose();
            return null;
        }
    }

    /// <summary>The nearest existing ancestor of the path and, for a dangling link, of its target.</summary>
    public static IReadOnlyList<string> DirectoriesToWatch(string path)
    {
        var full = Path.GetFullPath(path);
        var dirs = new List<string>(2);
        if (NearestExistingDirectory(full) is { } own) dirs.Add(own);
        try
        {
            var target = new FileInfo(full).LinkTarget;
            if (target is not null)
            {
                var resolved = Path.GetFullPath(target, Path.GetDirectoryName(full)!);
                if (NearestExistingDirectory(resolved) is { } other && !dirs.Contains(other)) dirs.Add(other);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return dirs;
    }

    private static string? NearestExistingDirectory(string fullPath)
    {
        var dir = Path.GetDirectoryName(fullPath);
        while (dir is not null && !Directory.Exists(dir)) dir = Path.GetDirectoryName(dir);
        return dir;
    }
}
