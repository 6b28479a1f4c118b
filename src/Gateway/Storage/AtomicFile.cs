namespace Gateway.Storage;

/// <summary>
/// Writes a file so that a power cut or SIGKILL at any moment leaves either the old or the new content:
/// write a temp file in the same directory, fsync it, rename over the target, fsync the directory. A file that
/// already holds exactly this content is left alone: state files are rewritten only when they change (SD cards).
/// </summary>
public static class AtomicFile
{
    /// <param name="createMode">The permissions of a new file (e.g. 0640 for one that holds secrets); null: the process umask decides.</param>
    public static async Task WriteAllBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default, UnixFileMode? createMode = null)
    {
        if (await HoldsAsync(path, content, cancellationToken).ConfigureAwait(false)) return;
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 4096, Options = FileOptions.Asynchronous };
            if (createMode is { } mode && !OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
            await using (var fs = new FileStream(tmp, options))
            {
                await fs.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                await fs.FlushAsync(cancellationToken).ConfigureAwait(false);
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, path, overwrite: true);
            SyncDirectory(dir);
            RemoveStaleTempFiles(dir, Path.GetFileName(path));
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    private static async Task<bool> HoldsAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists || info.Length != content.Length) return false;
            var existing = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            return content.Span.SequenceEqual(existing);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static Task WriteAllTextAsync(string path, string content, CancellationToken cancellationToken = default, UnixFileMode? createMode = null) =>
        WriteAllBytesAsync(path, System.Text.Encoding.UTF8.GetBytes(content), cancellationToken, createMode);

    /// <summary>Reads the file, or returns null when it does not exist. Leftover temp files from a crash are ignored.</summary>
    public static async Task<string?> ReadAllTextOrNullAsync(string path, CancellationToken cancellationToken = default)
    {
        try { return await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false); }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
    }

    /// <summary>
    /// A writer killed between creating its temp file and the rename leaves the temp file behind; on an appliance
    /// that loses power often they would pile up for ever. Removes those of processes that no longer run.
    /// </summary>
    private static void RemoveStaleTempFiles(string dir, string fileName)
    {
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            foreach (var file in Directory.EnumerateFiles(dir, $".{fileName}.*.tmp"))
            {
                // .NAME.PID.GUID.tmp
                var parts = Path.GetFileName(file)[(fileName.Length + 2)..].Split('.');
                if (parts.Length == 3 && int.TryParse(parts[0], out var pid) && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
                    File.Delete(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the new content is already in place.
        }
    }

    private static void SyncDirectory(string dir)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            using var handle = File.OpenHandle(dir, FileMode.Open, FileAccess.Read);
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Some file systems do not allow fsync on a directory; the rename is still atomic.
        }
    }
}
