using Microsoft.Data.Sqlite;

namespace Gateway.Storage;

/// <summary>Turns a storage failure into what a person can do about it (the SQLite or OS text alone rarely says).</summary>
public static class StorageProblem
{
    /// <summary>"what happened; fix: …" for a failure on <paramref name="path"/>.</summary>
    public static string Describe(Exception e, string path)
    {
        var dir = Path.GetDirectoryName(path) ?? path;
        return e switch
        {
            SqliteException { SqliteErrorCode: 13 } => $"the disk holding {dir} is full; fix: free space there, shorten history.retention, or move gateway.data_dir",
            SqliteException { SqliteErrorCode: 8 } => $"{path} is read-only; fix: make {dir} writable for the gateway's user (or move gateway.data_dir)",
            SqliteException { SqliteErrorCode: 14 } or UnauthorizedAccessException =>
                $"{path} cannot be opened or created; fix: check that {dir} exists, is not read-only and is writable for the gateway's user (gateway.data_dir)",
            SqliteException { SqliteErrorCode: 5 or 6 } =>
                $"{path} is held by another process (the gateway holds its history database while it runs: a second gateway on the same data_dir, or sqlite3 on the file); fix: stop that process, or give this gateway its own gateway.data_dir",
            SqliteException { SqliteErrorCode: 10 } => $"the disk holding {dir} reported an I/O error; fix: check the SD card or disk (dmesg) and free space",
            IOException io when io.HResult == 28 => $"the disk holding {dir} is full; fix: free space there or move gateway.data_dir",
            _ => $"{e.Message}; fix: check {dir} (free space, permissions) or set history.enabled: false",
        };
    }

    /// <summary>"what happened; fix: …" for a state file (policy, shutdown, outage) that could not be written to <paramref name="path"/>.</summary>
    public static string DescribeStateFile(Exception e, string path)
    {
        var dir = Path.GetDirectoryName(path) ?? path;
        return e switch
        {
            UnauthorizedAccessException => $"{dir} is not writable for the gateway's user; fix: give that user write access to it (chown or chmod), or move gateway.data_dir",
            IOException io when io.HResult == 28 => $"the disk holding {dir} is full; fix: free space there or move gateway.data_dir",
            IOException io when io.HResult == 30 => $"{dir} is on a read-only file system; fix: remount it read-write or move gateway.data_dir",
            _ => $"{e.Message}; fix: check {dir} (free space, permissions) or move gateway.data_dir",
        };
    }
}
