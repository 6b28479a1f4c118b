using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gateway.Tests.Storage;

public sealed class HistoryRecorderTests(ITestOutputHelper output) : IDisposable
{
    private static readonly DateTimeOffset T0 = HistoryTestData.Start;
    private readonly string _dir = HistoryTestData.TempDir();
    private readonly FakeTimeProvider _time = new(T0);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        HistoryTestData.DeleteDir(_dir);
    }

    private static HistoryOptions Options(int intervalS = 10, int flushS = 10) =>
        new(true, TimeSpan.FromSeconds(intervalS), TimeSpan.FromDays(30), TimeSpan.FromSeconds(flushS));

    [Fact]
    public async Task One_second_polling_of_two_devices_gives_six_transactions_and_a_row_only_where_a_value_moved()
    {
        var hub = new ReadingHub(_time, NullLogger<ReadingHub>.Instance);
        var bus = new EventBus(NullLogger<EventBus>.Instance);
        using var store = new SqliteHistoryStore(_dir, TimeSpan.FromDays(30), _time, NullLogger.Instance);
        using var recorder = new HistoryRecorder(store, hub, bus, Options(), _time, NullLogger<HistoryRecorder>.Instance);
        await recorder.StartAsync(default);
        await Wait.UntilAsync(() => store.IsOpen, "database open");

        for (var s = 0; s < 60; s++)
        {
            hub.Publish(HistoryTestData.Ups(_time.GetUtcNow(), charge: 100 - s));
            hub.Publish(HistoryTestData.Meter(_time.GetUtcNow()));
            if (s == 15) bus.Publish(new GatewayEvent(_time.GetUtcNow(), EventKinds.PowerLost, EventSeverity.Warning, "Power lost", "ups"));
            await Wait.UntilAsync(() => recorder.ReadingsSeen == 2 * (s + 1) && recorder.EventsSeen == (s >= 15 ? 1 : 0), $"reading {s} taken");
            _time.Advance(TimeSpan.FromSeconds(1));
            // The history reads readings on the publisher's thread but flushes on its own: let each flush happen at its time.
            if ((s + 1) % 10 == 0) await Wait.UntilAsync(() => store.Transactions == (s + 1) / 10, $"flush at {s + 1} s");
        }
        await Wait.UntilAsync(() => store.Transactions == 6 && store.PendingCount == 0, "six flushes");

        output.WriteLine($"1 s polling, 2 devices, 60 s: {recorder.ReadingsSeen} readings in -> {store.SamplesWritten} rows, {store.EventsWritten} events, {store.Transactions} write transactions");
        // The UPS's charge falls every interval: six rows. The meter never moves: only its first row.
        Assert.Equal(7, store.SamplesWritten);
        // A full minute closed: one 1-minute roll-up per device, with the charge's mean, min and max.
        Assert.Equal(2, store.RollupsWritten);
        Assert.Equal(1, store.EventsWritten);

        var charge = await store.QueryAsync("ups", NutNames.BatteryCharge, T0, T0.AddSeconds(50), 100, default);
        Assert.Equal([95.5, 85.5, 75.5, 65.5, 55.5, 45.5], charge.Select(p => p.Value));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => T0.AddSeconds(10 * i)), charge.Select(p => p.At));

        // A reading in a new interval, then stop: the open interval is written in a last transaction.
        hub.Publish(HistoryTestData.Ups(_time.GetUtcNow(), charge: 1));
        await Wait.UntilAsync(() => recorder.ReadingsSeen == 121, "last reading taken");
        await recorder.StopAsync(default);
        Assert.Equal(6, store.Transactions);
        await recorder.StoppedAsync(default);   // the host calls this once every service has stopped
        Assert.Equal(7, store.Transactions);
        Assert.Equal(8, store.SamplesWritten);
        // The meter's steady value reads back over the whole minute although only its first interval was stored.
        var power = await store.QueryAsync("grid", "total.power", T0, T0.AddSeconds(60), 100, default);
        Assert.Equal(T0, power[0].At);
        Assert.Equal(T0.AddSeconds(60), power[^1].At);
        Assert.All(power, p => Assert.Equal(1234.5, p.Value));
        Assert.Equal(1, (await store.QueryAsync("ups", NutNames.BatteryCharge, T0.AddSeconds(60), T0.AddSeconds(60), 1, default))[0].Value);
    }

    [Fact]
    public async Task A_critical_event_is_written_at_once_other_events_wait_for_the_batch()
    {
        var hub = new ReadingHub(_time, NullLogger<ReadingHub>.Instance);
        var bus = new EventBus(NullLogger<EventBus>.Instance);
        using var store = new SqliteHistoryStore(_dir, TimeSpan.FromDays(30), _time, NullLogger.Instance);
        using var recorder = new HistoryRecorder(store, hub, bus, Options(), _time, NullLogger<HistoryRecorder>.Instance);
        await recorder.StartAsync(default);
        await Wait.UntilAsync(() => store.IsOpen, "database open");
        var before = store.Transactions;

        bus.Publish(new GatewayEvent(_time.GetUtcNow(), EventKinds.PowerLost, EventSeverity.Warning, "Power lost", "ups"));
        await Wait.UntilAsync(() => recorder.EventsSeen == 1, "warning taken");
        Assert.Equal(before, store.Transactions);
        Assert.Equal(1, store.PendingCount);

        bus.Publish(new GatewayEvent(_time.GetUtcNow(), EventKinds.ShutdownStarted, EventSeverity.Critical, "Shutdown started"));
        await Wait.UntilAsync(() => store.EventsWritten == 2, "critical event written without time passing");
        Assert.Equal(before + 1, store.Transactions);
        Assert.Equal([EventKinds.ShutdownStarted, EventKinds.PowerLost], (await store.EventsAsync(10, default)).Select(e => e.Kind));
        await recorder.StopAsync(default);
        bus.Publish(new GatewayEvent(_time.GetUtcNow(), EventKinds.ServiceStopping, EventSeverity.Info, "stopping"));   // another service, stopping after this one
        await recorder.StoppedAsync(default);
        Assert.Equal(EventKinds.ServiceStopping, (await store.EventsAsync(1, default))[0].Kind);
        Assert.Equal(3, store.EventsWritten);
    }

    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public void A_day_of_two_devices_at_the_default_interval_measures_the_database_size()
    {
        using var store = new SqliteHistoryStore(_dir, TimeSpan.FromDays(30), _time, NullLogger.Instance);
        Assert.True(store.Open());
        var downsampler = new ReadingDownsampler(TimeSpan.FromSeconds(10));
        var writtenBefore = ProcessWriteBytes();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 8640; i++)
        {
            var at = T0.AddSeconds(10 * i);
            downsampler.Add(HistoryTestData.Ups(at, charge: 50 + i % 50, inputVoltage: 225 + (i % 97) / 10.0));
            downsampler.Add(HistoryTestData.Meter(at, power: 1000 + i % 333));
            _time.SetUtcNow(at.AddSeconds(10));
            store.Add(downsampler.TakeClosed(_time.GetUtcNow()));
            store.Flush();
        }
        sw.Stop();
        var written = ProcessWriteBytes() - writtenBefore;
        var path = Path.Combine(_dir, SqliteHistoryStore.FileName);
        var wal = new FileInfo(path + "-wal").Length;
        var query = System.Diagnostics.Stopwatch.StartNew();
        var day = store.QueryAsync("grid", "total.power", T0, T0.AddDays(1), 500, default).GetAwaiter().GetResult();
        query.Stop();
        output.WriteLine($"query of one day of one metric down to {day.Count} points: {query.Elapsed.TotalMilliseconds:0} ms");
        Assert.InRange(day.Count, 400, 500);
        Assert.Equal(8640, store.Transactions);
        Assert.Equal(17280, store.SamplesWritten);
        store.Dispose();   // closing copies the WAL into the database and deletes it: the file is then the day's data
        SqliteConnection.ClearAllPools();
        var size = new FileInfo(path).Length;
        output.WriteLine($"one day (8640 intervals x 2 devices, {HistoryTestData.Ups(T0).Metrics.Count}+{HistoryTestData.Meter(T0).Metrics.Count} metrics): " +
                         $"{store.Transactions} transactions, database {size / 1024.0 / 1024.0:0.00} MiB (WAL before the close {wal / 1024.0 / 1024.0:0.00} MiB), written by this process {written / 1024.0 / 1024.0:0.0} MiB, {sw.Elapsed.TotalSeconds:0.0} s");
        Assert.False(File.Exists(path + "-wal"));
        Assert.InRange(size, 1, 16L * 1024 * 1024); // well under 16 MiB a day
        Assert.InRange(wal, 1, SqliteHistoryStore.WalCheckpointBytes * 105L / 100);   // checkpointed at the limit (a frame is a page + 24 bytes)
    }

    private static long ProcessWriteBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/io"))
            if (line.StartsWith("wchar:", StringComparison.Ordinal)) return long.Parse(line[6..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        return 0;
    }
}
