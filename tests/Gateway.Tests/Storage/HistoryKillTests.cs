using System.Diagnostics;
using Gateway.Storage;
using Gateway.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Gateway.Tests.Storage;

/// <summary>A real process writing history is killed with SIGKILL again and again; the database must always open, pass integrity_check and keep every reported commit.</summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
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
        using var child = TestAssemblyChild.Start(nameof(HistoryKillChild), _dir);
        await child.WaitForLineAsync("committed ", TimeSpan.FromSeconds(30));
        var sw = Stopwatch.StartNew();
        await Task.Delay(killAfterFirstCommit);
        await child.KillAsync();                               // SIGKILL; every line the child printed before dying is read
        return (long.Parse(child.Last("committed ")!, System.Globalization.CultureInfo.InvariantCulture), sw.Elapsed);
    }

    internal static string IntegrityCheck(string path)
    {
        using var conn = new SqliteConnection($"Data Source={path};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check";
        return (string)cmd.ExecuteScalar()!;
    }

    internal static long ContiguousRows(string path)
    {
        using var conn = new SqliteConnection($"Data Source={path};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(MAX(at) - MIN(at) + 1, 0) FROM readings";
        return (long)cmd.ExecuteScalar()!;
    }
}
