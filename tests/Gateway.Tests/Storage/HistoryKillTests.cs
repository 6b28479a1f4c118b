using System.Diagnostics;
using Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Gateway.Tests.Storage;

/// <summary>A real process writing history is killed with SIGKILL again and again; the database must always open, pass integrity_check and keep every reported commit.</summary>
[Trait("Category", "Integration")]
public sealed class HistoryKillTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = HistoryTestData.TempDir();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        HistoryTestData.DeleteDir(_dir);
    }

    [Fact]
    public async Task Killed_with_SIGKILL_during_writes_the_database_opens_checks_ok_and_loses_at_most_the_last_batch()
    {
        var path = Path.Combine(_dir, SqliteHistoryStore.FileName);
        var random = new Random(7);
        long expectedAtLeast = 0;
        for (var round = 0; round < 6; round++)
        {
            var (reported, killedAfter) = await RunAndKillAsync(TimeSpan.FromMilliseconds(random.Next(20, 400)));
            var stored = HistoryKillChild.StoredRows(path);
            var check = IntegrityCheck(path);
            output.WriteLine($"round {round}: killed {killedAfter.TotalMilliseconds:0} ms after the first commit; reported {reported} rows, stored {stored}; integrity_check: {check}");
            Assert.Equal("ok", check);
            Assert.True(reported >= expectedAtLeast + HistoryKillChild.BatchSize, $"round {round}: the child made no progress");
            Assert.InRange(stored, reported, reported + HistoryKillChild.BatchSize);   // every reported commit kept; at most the batch in flight extra
            Assert.Equal(stored, ContiguousRows(path));                                  // no holes
            expectedAtLeast = stored;
        }

        using var store = new SqliteHistoryStore(_dir, TimeSpan.FromDays(36500), TimeProvider.System, NullLogger.Instance);
        Assert.True(store.Open());
        Assert.Equal(0, store.MovedAside);
        var events = await store.EventsAsync(1, default);
        Assert.StartsWith("batch up to", Assert.Single(events).Message);
    }

    private async Task<(long Reported, TimeSpan KilledAfter)> RunAndKillAsync(TimeSpan killAfterFirstCommit)
    {
        var testAssembly = typeof(HistoryKillChild).Assembly.Location;
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(testAssembly);
        psi.Environment["DOTNET_STARTUP_HOOKS"] = testAssembly;
        psi.Environment[HistoryKillChild.DirVariable] = _dir;

        using var child = Process.Start(psi)!;
        long reported = -1;
        var firstCommit = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            while (await child.StandardOutput.ReadLineAsync() is { } line)
            {
                if (!line.StartsWith("committed ", StringComparison.Ordinal)) continue;
                Volatile.Write(ref reported, long.Parse(line[10..], System.Globalization.CultureInfo.InvariantCulture));
                firstCommit.TrySetResult();
            }
        });
        var stderr = child.StandardError.ReadToEndAsync();
        try
        {
            var started = await Task.WhenAny(firstCommit.Task, Task.Delay(TimeSpan.FromSeconds(30)));
            if (started != firstCommit.Task)
                throw new TimeoutException($"the child wrote nothing (exited: {child.HasExited}); stderr: {(child.HasExited ? await stderr : "")}");
            var sw = Stopwatch.StartNew();
            await Task.Delay(killAfterFirstCommit);
            child.Kill(entireProcessTree: true);               // SIGKILL on Linux
            await child.WaitForExitAsync();
            await reader;                                      // every line the child printed before dying
            return (Volatile.Read(ref reported), sw.Elapsed);
        }
        finally
        {
            if (!child.HasExited) child.Kill(entireProcessTree: true);
        }
    }

    private static string IntegrityCheck(string path)
    {
        using var conn = new SqliteConnection($"Data Source={path};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check";
        return (string)cmd.ExecuteScalar()!;
    }

    private static long ContiguousRows(string path)
    {
        using var conn = new SqliteConnection($"Data Source={path};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(MAX(at) - MIN(at) + 1, 0) FROM readings";
        return (long)cmd.ExecuteScalar()!;
    }
}
