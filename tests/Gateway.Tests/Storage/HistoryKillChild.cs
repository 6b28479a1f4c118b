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
        using var store = new SqliteHistoryStore(dir, TimeSpan.FromDays(36500), TimeProvider.System, NullLogger.Instance);
        if (!store.Open()) Environment.Exit(3);
        var next = StoredRows(Path.Combine(dir, SqliteHistoryStore.FileName));
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

    public static long StoredRows(string path)
    {
        using var conn = new SqliteConnection($"Data Source={path};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM readings";
        return (long)cmd.ExecuteScalar()!;
    }
}
