using Gateway.Drivers.Readings;
using Gateway.Readings;
using Gateway.Storage;
using Gateway.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Storage;

public sealed class SqliteHistoryStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = HistoryTestData.Start;
    private readonly string _dir = HistoryTestData.TempDir();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly ListLogger _log = new();
    private readonly List<string> _warnings = [];

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        HistoryTestData.DeleteDir(_dir);
    }

    private SqliteHistoryStore NewStore(TimeSpan? retention = null) => new(_dir, retention ?? TimeSpan.FromDays(30), _time, _log, _warnings.Add);

    private static HistorySample Sample(string device, DateTimeOffset at, params (string Key, double Value)[] metrics) =>
        new(device, at, metrics.Select(m => new Metric(m.Key, m.Value, "V")).ToArray());

    [Fact]
    public async Task Flush_writes_one_transaction_and_the_series_reads_back_after_reopening()
    {
        using (var store = NewStore())
        {
            Assert.True(store.Open());
            store.Add(Enumerable.Range(0, 100).Select(i => Sample("ups", T0.AddSeconds(10 * i), ("input.voltage", 200 + i), ("battery.charge", 50))).ToArray());
            store.Add([Sample("grid", T0, ("total.power", 999))]);
            store.Flush();
            Assert.Equal(1, store.Transactions);
            Assert.Equal(101, store.SamplesWritten);
            Assert.Equal(0, store.PendingCount);
        }
        SqliteConnection.ClearAllPools();
        using var reopened = NewStore();
        Assert.True(reopened.Open());
        var all = await reopened.QueryAsync("ups", "input.voltage", T0, T0.AddSeconds(990), 1000, default);
        Assert.Equal(100, all.Count);
        Assert.Equal((T0, 200.0), (all[0].At, all[0].Value));
        Assert.Equal((T0.AddSeconds(990), 299.0), (all[^1].At, all[^1].Value));
        Assert.Equal(999, Assert.Single(await reopened.QueryAsync("grid", "total.power", T0, T0.AddHours(1), 10, default)).Value);
        Assert.Empty(await reopened.QueryAsync("ups", "no.such.metric", T0, T0.AddHours(1), 10, default));
        Assert.Empty(await reopened.QueryAsync("nobody", "input.voltage", T0, T0.AddHours(1), 10, default));
    }

    [Trait(Lane.Trait, Lane.FullOnly)]   // the second store waits out SQLite's 10 s busy timeout
    [Fact]
    public async Task While_open_the_store_keeps_the_WAL_index_in_memory_and_holds_the_database_for_its_own_queries()
    {
        using var store = NewStore();
        Assert.True(store.Open());
        store.Add([Sample("ups", T0, ("input.voltage", 231))]);
        store.Add(new GatewayEvent(T0, EventKinds.PowerQuality, EventSeverity.Info, "boost on"));
        store.Flush();
        var path = Path.Combine(_dir, SqliteHistoryStore.FileName);
        Assert.True(File.Exists(path + "-wal"));
        Assert.False(File.Exists(path + "-shm"));   // no mmapped WAL index whose pages every commit dirties on the SD card

        using (var other = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False;Default Timeout=1"))
        {
            var refused = Assert.ThrowsAny<SqliteException>(() =>
            {
                other.Open();
                using var cmd = other.CreateCommand();
                cmd.CommandText = "SELECT COUNT(*) FROM readings";
                cmd.ExecuteScalar();
            });
            Assert.Equal(5, refused.SqliteErrorCode);   // SQLITE_BUSY: "database is locked"
        }

        using (var second = NewStore())   // a second gateway on the same data_dir: refused with a sentence, keeps running
        {
            Assert.False(second.Open());
            Assert.Contains("held by another process", second.LastFailure);
        }

        Assert.Equal(231, Assert.Single(await store.QueryAsync("ups", "input.voltage", T0, T0, 1, default)).Value);
        Assert.Equal("boost on", Assert.Single(await store.EventsAsync(10, default)).Message);
        store.Add([Sample("ups", T0.AddSeconds(10), ("input.voltage", 232))]);
        store.Flush();
        Assert.Equal(2, store.Transactions);
    }

    [Fact]
    public void The_one_connection_runs_with_a_capped_page_cache()
    {
        using var store = NewStore();
        Assert.True(store.Open());
        Assert.Equal(SqliteHistoryStore.WriterCacheKiB, store.PageCacheKiB());
    }

    private long WalFrames()
    {
        // A WAL file is a 32-byte header (the page size at offset 8), then a 24-byte frame header and a page per page written.
        var path = Path.Combine(_dir, SqliteHistoryStore.FileName + "-wal");
        if (!File.Exists(path) || new FileInfo(path).Length <= 32) return 0;
        var bytes = File.ReadAllBytes(path);
        var pageSize = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(8));
        Assert.Equal(SqliteHistoryStore.NewDatabasePageSize, pageSize);
        return (bytes.Length - 32) / (24 + pageSize);
    }

    [Fact]
    public void A_new_database_is_created_in_one_transaction_and_reopening_it_writes_nothing()
    {
        using (var store = NewStore())
        {
            Assert.True(store.Open());
            // Page 1 and one root page per table and index (6 tables, 3 indexes), once: each CREATE in its own
            // transaction wrote 17 frames.
            Assert.InRange(WalFrames(), 1, 10);
        }
        SqliteConnection.ClearAllPools();
        Assert.Equal(0, WalFrames());
        using var reopened = NewStore();
        Assert.True(reopened.Open());
        Assert.Equal(0, WalFrames());
    }

    [Fact]
    public async Task Queries_downsample_to_at_most_max_points_by_averaging()
    {
        using var store = NewStore();
        store.Open();
        store.Add(Enumerable.Range(0, 360).Select(i => Sample("ups", T0.AddSeconds(10 * i), ("input.voltage", i))).ToArray());
        store.Flush();

        foreach (var max in new[] { 1, 7, 50, 100, 359, 360, 1000 })
        {
            var points = await store.QueryAsync("ups", "input.voltage", T0, T0.AddSeconds(3590), max, default);
            Assert.InRange(points.Count, 1, max);
            Assert.True(points.Zip(points.Skip(1)).All(p => p.First.At < p.Second.At));
        }
        var one = Assert.Single(await store.QueryAsync("ups", "input.voltage", T0, T0.AddSeconds(3590), 1, default));
        Assert.Equal(179.5, one.Value, 6);
        Assert.Equal(T0.AddSeconds(1795), one.At);

        var window = await store.QueryAsync("ups", "input.voltage", T0.AddSeconds(100), T0.AddSeconds(190), 100, default);
        Assert.Equal(Enumerable.Range(10, 10).Select(i => (double)i), window.Select(p => p.Value));
    }

    [Fact]
    public async Task Queued_samples_and_events_are_visible_before_the_flush_and_not_duplicated_after()
    {
        using var store = NewStore();
        store.Open();
        store.Add([Sample("ups", T0, ("input.voltage", 1))]);
        store.Flush();
        store.Add([Sample("ups", T0.AddSeconds(10), ("input.voltage", 2))]);
        store.Add(new GatewayEvent(T0, EventKinds.PowerLost, EventSeverity.Warning, "Power lost", "ups"));

        Assert.Equal([1.0, 2.0], (await store.QueryAsync("ups", "input.voltage", T0, T0.AddMinutes(1), 100, default)).Select(p => p.Value));
        Assert.Single(await store.EventsAsync(10, default));
        store.Flush();
        Assert.Equal([1.0, 2.0], (await store.QueryAsync("ups", "input.voltage", T0, T0.AddMinutes(1), 100, default)).Select(p => p.Value));
        Assert.Single(await store.EventsAsync(10, default));
    }

    [Fact]
    public async Task Events_come_back_newest_first_with_their_data()
    {
        using var store = NewStore();
        store.Open();
        for (var i = 0; i < 30; i++)
        {
            store.Add(new GatewayEvent(T0.AddSeconds(i), i % 2 == 0 ? EventKinds.PowerLost : EventKinds.PowerRestored,
                i == 29 ? EventSeverity.Critical : EventSeverity.Info, $"event {i}", i % 3 == 0 ? null : "ups",
                i == 29 ? new Dictionary<string, string> { ["step"] = "vms", ["result"] = "ok" } : null));
            if (i % 10 == 9) store.Flush();
        }
        var events = await store.EventsAsync(5, default);
        Assert.Equal(["event 29", "event 28", "event 27", "event 26", "event 25"], events.Select(e => e.Message));
        var newest = events[0];
        Assert.Equal((T0.AddSeconds(29), EventKinds.PowerRestored, EventSeverity.Critical, "ups"), (newest.At, newest.Kind, newest.Severity, newest.DeviceId));
        Assert.Equal("vms", newest.Data!["step"]);
        Assert.Null(events[1].Data);
        Assert.Null((await store.EventsAsync(100, default)).Single(e => e.Message == "event 27").DeviceId);
        Assert.Equal(30, (await store.EventsAsync(1000, default)).Count);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.EventsAsync(0, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryAsync("ups", "x", T0, T0.AddSeconds(-1), 10, default));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.QueryAsync("ups", "x", T0, T0, 0, default));
    }

    [Fact]
    public async Task Rows_older_than_the_retention_are_pruned()
    {
        using var store = NewStore(retention: TimeSpan.FromHours(2));
        store.Open();
        store.Add(Enumerable.Range(0, 6).Select(i => Sample("ups", T0.AddHours(i), ("input.voltage", i))).ToArray());
        store.Add(new GatewayEvent(T0, EventKinds.PowerLost, EventSeverity.Warning, "old"));
        store.Flush();                       // first flush prunes relative to T0: nothing is old yet
        _time.Advance(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(30));
        store.Add(new GatewayEvent(_time.GetUtcNow(), EventKinds.PowerRestored, EventSeverity.Info, "new"));
        store.Flush();                       // an hour later: prunes everything before 03:30
        var left = await store.QueryAsync("ups", "input.voltage", T0, T0.AddDays(1), 100, default);
        Assert.Equal([4.0, 5.0], left.Select(p => p.Value));
        Assert.Equal(["new"], (await store.EventsAsync(10, default)).Select(e => e.Message));
    }

    [Fact]
    public async Task A_file_that_is_not_a_database_is_moved_aside_and_a_new_one_started()
    {
        var path = Path.Combine(_dir, SqliteHistoryStore.FileName);
        await File.WriteAllTextAsync(path, "this is not an SQLite database, just some text that got here somehow\n" + new string('x', 5000));

        using var store = NewStore();
        Assert.True(store.Open());
        Assert.Equal(1, store.MovedAside);
        var aside = Assert.Single(Directory.GetFiles(_dir, "history.db.corrupt-*"));
        Assert.EndsWith("history.db.corrupt-20261125T120000Z", aside);
        Assert.StartsWith("this is not an SQLite database", await File.ReadAllTextAsync(aside));
        Assert.Contains(_log.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("was corrupt") && l.Message.Contains(aside));
        Assert.Single(_warnings);

        store.Add([Sample("ups", T0, ("input.voltage", 230))]);
        store.Flush();
        Assert.Single(await store.QueryAsync("ups", "input.voltage", T0, T0, 1, default));
    }

    [Fact]
    public async Task A_database_with_a_damaged_page_is_detected_moved_aside_and_replaced()
    {
        using (var store = NewStore())
        {
            store.Open();
            store.Add(Enumerable.Range(0, 3000).Select(i => Sample("ups", T0.AddSeconds(10 * i), ("input.voltage", i), ("battery.charge", i % 100))).ToArray());
            store.Flush();
        }
        SqliteConnection.ClearAllPools();
        var path = Path.Combine(_dir, SqliteHistoryStore.FileName);
        using (var conn = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;";
            cmd.ExecuteNonQuery();
        }
        await using (var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            Assert.True(fs.Length > 8 * 4096);
            fs.Position = 4 * 4096;                  // an interior page of the readings table
            fs.Write(Enumerable.Repeat((byte)0xA5, 4096).ToArray());
        }

        using var again = NewStore();
        Assert.True(again.Open());
        Assert.Equal(1, again.MovedAside);
        Assert.Single(Directory.GetFiles(_dir, "history.db.corrupt-*"));
        Assert.Empty(await again.QueryAsync("ups", "input.voltage", T0, T0.AddDays(1), 10, default));
        again.Add([Sample("ups", T0, ("input.voltage", 1))]);
        again.Flush();
        Assert.Equal(1, again.Transactions);
    }

    [Fact]
    public async Task An_unwritable_data_dir_is_reported_and_nothing_is_lost_or_thrown()
    {
        var blocker = Path.Combine(_dir, "not-a-dir");
        await File.WriteAllTextAsync(blocker, "a file where the data dir should be");
        using var store = new SqliteHistoryStore(blocker, TimeSpan.FromDays(1), _time, _log);
        Assert.False(store.Open());
        Assert.NotNull(store.LastFailure);
        store.Add([Sample("ups", T0, ("input.voltage", 7))]);
        store.Flush();
        Assert.Equal(0, store.Transactions);
        Assert.Equal(1, store.PendingCount);
        Assert.Equal(7, Assert.Single(await store.QueryAsync("ups", "input.voltage", T0, T0, 5, default)).Value);

        store.Add(Enumerable.Range(1, SqliteHistoryStore.MaxPendingSamples).Select(i => Sample("ups", T0.AddSeconds(10 * i), ("input.voltage", i))).ToArray());
        Assert.Equal(SqliteHistoryStore.MaxPendingSamples, store.PendingCount);   // memory stays bounded: the oldest went
        Assert.Equal(1, store.DroppedSamples);
    }
}
