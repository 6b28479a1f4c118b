using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Storage;

public sealed class HistoryTierTests : IDisposable
{
    private static readonly DateTimeOffset T0 = HistoryTestData.Start;
    private readonly string _dir = HistoryTestData.TempDir();
    private readonly FakeTimeProvider _time = new(T0);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        HistoryTestData.DeleteDir(_dir);
    }

    private SqliteHistoryStore NewStore() =>
        new(_dir, new HistoryOptions(true, TimeSpan.FromSeconds(10), TimeSpan.FromDays(730), TimeSpan.FromMinutes(15)), _time, NullLogger.Instance);

    private static RollupSample Rollup(DateTimeOffset at, double avg, double min, double max) =>
        new("grid", at, [new MetricStats("total.power", avg, min, max, "W"), new MetricStats("frequency", 50, 50, 50, "Hz")]);

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task A_query_reads_the_finest_tier_that_still_covers_its_start_and_each_tier_is_pruned_after_its_retention()
    {
        using var store = NewStore();
        Assert.True(store.Open());
        // 40 days of roll-ups: minutes of the value 1000 + day, quarters of 2000 + day; then the last hour raw.
        for (var day = 0; day < 40; day++)
        {
            var d = T0.AddDays(day);
            store.AddRollups(HistoryTier.Minute, Enumerable.Range(0, 24 * 60).Select(m => Rollup(d.AddMinutes(m), 1000 + day, 900, 1100)).ToArray());
            store.AddRollups(HistoryTier.Quarter, Enumerable.Range(0, 96).Select(q => Rollup(d.AddMinutes(15 * q), 2000 + day, 800, 1200)).ToArray());
            store.Flush();
        }
        _time.SetUtcNow(T0.AddDays(40));
        var now = _time.GetUtcNow();
        store.Add([new HistorySample("grid", now.AddHours(-1), [new Metric("total.power", 3000, "W")])]);
        store.Flush();   // over an hour since the last prune: raw before now-1d and minutes before now-30d go

        Assert.Equal(HistoryTier.Raw, store.TierFor(now.AddHours(-24)));
        Assert.Equal(HistoryTier.Minute, store.TierFor(now.AddDays(-7)));
        Assert.Equal(HistoryTier.Quarter, store.TierFor(now.AddDays(-365)));

        var hour = await store.QueryAsync("grid", "total.power", now.AddHours(-2), now, 300, default);
        Assert.All(hour, p => Assert.Equal(3000, p.Value));
        var week = await store.QueryAsync("grid", "total.power", now.AddDays(-7), now, 7, default);
        Assert.Equal([1033, 1034, 1035, 1036, 1037, 1038, 1039], week.Select(p => Math.Round(p.Value)));
        var year = await store.QueryAsync("grid", "total.power", now.AddDays(-365), now, 400, default);
        Assert.Equal(2000, Math.Floor(year[0].Value));    // the quarters go back to the first day; the minutes of it are gone
        var firstMinute = await store.QueryAsync("grid", "total.power", T0, T0.AddMinutes(1), 10, default);
        Assert.Equal(2000, Assert.Single(firstMinute).Value, 6);

        store.Dispose();   // the store holds the database exclusively while it is open
        using var conn = new SqliteConnection($"Data Source={store.DatabasePath};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT MIN(at) FROM rollup_1m";
        Assert.Equal(now.AddDays(-30).ToUnixTimeSeconds(), (long)cmd.ExecuteScalar()!);
    }

    [Fact]
    public async Task A_change_only_series_reads_back_as_steps_and_a_gap_longer_than_the_heartbeat_stays_a_gap()
    {
        using var store = NewStore();
        Assert.True(store.Open());
        HistorySample At(int s, double v) => new("ups", T0.AddSeconds(s), [new Metric("input.voltage", v, "V")]);
        store.Add([At(0, 230), At(300, 240), At(1200, 240), At(5000, 220)]);   // 1200 -> 5000 is longer than 15 min + 10 s
        store.Flush();
        _time.SetUtcNow(T0.AddSeconds(5100));
        var points = await store.QueryAsync("ups", "input.voltage", T0.AddSeconds(100), T0.AddSeconds(5100), 1000, default);
        Assert.Equal(
            [(100, 230.0), (290, 230), (300, 240), (1190, 240), (1200, 240), (5000, 220), (5100, 220)],
            points.Select(p => ((int)(p.At - T0).TotalSeconds, p.Value)));
    }

    [Fact]
    public async Task A_version_1_database_keeps_its_last_day_at_full_resolution()
    {
        var path = Path.Combine(_dir, SqliteHistoryStore.FileName);
        using (var conn = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            var blob = Convert.ToHexString(MetricBlob.Encode([(1, 230.5)]));
            cmd.CommandText = $"""
                CREATE TABLE devices(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
                CREATE TABLE metrics(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, unit TEXT NOT NULL);
                CREATE TABLE readings(device INTEGER NOT NULL, at INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(at, device)) WITHOUT ROWID;
                INSERT INTO devices VALUES(1, 'ups');
                INSERT INTO metrics VALUES(1, 'input.voltage', 'V');
                INSERT INTO readings VALUES(1, {T0.AddDays(-2).ToUnixTimeSeconds()}, X'{blob}');
                INSERT INTO readings VALUES(1, {T0.AddHours(-1).ToUnixTimeSeconds()}, X'{blob}');
                PRAGMA user_version = 1;
                """;
            cmd.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        using var store = NewStore();
        Assert.True(store.Open());
        var points = await store.QueryAsync("ups", "input.voltage", T0.AddHours(-2), T0, 100, default);
        Assert.Equal(T0.AddHours(-1), points[0].At);
        Assert.Equal(230.5, points[0].Value);
        store.Add([new HistorySample("ups", T0, [new Metric("input.voltage", 240, "V")])]);
        store.Flush();
        Assert.Equal(1, store.Transactions);
    }

    [Fact]
    public void Roll_up_rows_keep_the_mean_exactly_and_min_max_in_single_precision()
    {
        var blob = RollupBlob.Encode([(3, new MetricStats("a", 3604.25, 3604.2, 3604.3, "kWh")), (7, new MetricStats("b", 50, 50, 50, "Hz"))]);
        Assert.Equal(RollupBlob.RangeSize + RollupBlob.ConstantSize, blob.Length);
        Assert.True(RollupBlob.TryFind(blob, 3, out var avg, out var min, out var max));
        Assert.Equal(3604.25, avg);
        Assert.Equal(3604.2, min, 2);
        Assert.Equal(3604.3, max, 2);
        Assert.True(RollupBlob.TryFind(blob, 7, out avg, out min, out max));
        Assert.Equal((50.0, 50.0, 50.0), (avg, min, max));
        Assert.False(RollupBlob.TryFind(blob, 4, out _, out _, out _));
    }
}
