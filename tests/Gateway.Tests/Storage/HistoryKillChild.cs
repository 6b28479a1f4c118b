using Gateway.Drivers.Readings;
using Gateway.Readings;
using Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Storage;

/// <summary>
/// The child process of <see cref="HistoryKillTests"/>: writes batches through <see cref="SqliteHistoryStore"/>
/// as fast as it can and prints "committed N" after each commit, until it is killed. Sample times are a
/// sequence, so the parent can see exactly which rows survived.
/// </summary>
internal static class HistoryKillChild
{
    public const int BatchSize = 250;
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Run(string dir)
    {
        // Counted before the store opens: the store holds the database exclusively while it is open.
        var next = StoredRows(Path.Combine(dir, SqliteHistoryStore.FileName));
        using var store = new SqliteHistoryStore(dir, TimeSpan.FromDays(36500), TimeProvider.System, NullLogger.Instance);
        if (!store.Open()) Environment.Exit(3);
        while (true)
        {
            var batch = new HistorySample[BatchSize];
            for (var i = 0; i < BatchSize; i++)
            {
                var seq = next + i;
                batch[i] = new HistorySample("ups", Epoch.AddSeconds(seq),
                    [new Metric(NutNames.InputVoltage, seq, "V"), new Metric(NutNames.BatteryCharge, seq % 100, "%"), new Metric(NutNames.UpsLoad, 23, "%")]);
            }
            store.Add(batch);
            store.Add(new GatewayEvent(DateTimeOffset.UtcNow, EventKinds.PowerQuality, EventSeverity.Info, $"batch up to {next + BatchSize}"));
            store.Flush();
            if (store.PendingCount != 0) Environment.Exit(4);
            next += BatchSize;
            TestAssemblyChild.Print($"committed {next}");
        }
    }

    /// <summary>
    /// Rows in the readings table (0 without a database), read-only: a read-only connection leaves the WAL a
    /// killed writer left behind as it is, so the store that opens next still recovers it itself.
    /// </summary>
    public static long StoredRows(string path)
    {
        if (!File.Exists(path)) return 0;
        using var conn = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM readings";
        return (long)cmd.ExecuteScalar()!;
    }
}
