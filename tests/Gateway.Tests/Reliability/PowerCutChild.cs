using System.Globalization;
using Gateway.Drivers.Readings;
using Gateway.Policy;
using Gateway.Shutdown;
using Gateway.Storage;
using Gateway.Tests.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Reliability;

/// <summary>
/// The child process of <see cref="PowerCutTests"/>: on start it reads the history database and both state files
/// through the product code (exit code 5–7 when any of them does not load), prints "recovered H P S", then writes
/// batch after batch until it is killed: history rows (one SQLite transaction), then policy-state.json, then
/// shutdown-state.json (both through <see cref="AtomicFile"/>). "writing T" is printed before batch T starts and
/// "committed T" once all three hold it. Every value is a row count / sequence number, so the parent sees
/// exactly what survived. A batch interrupted between the files is completed first after a restart, as the
/// gateway does when it saves its current state again.
/// </summary>
internal static class PowerCutChild
{
    public const int BatchSize = 40;
    public const int PolicySamples = 120;
    public const int ShutdownSteps = 6;
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Run(string dir)
    {
        // Counted before the store opens: the store holds the database exclusively while it is open.
        var h = HistoryKillChild.StoredRows(Path.Combine(dir, SqliteHistoryStore.FileName));
        using var history = new SqliteHistoryStore(dir, TimeSpan.FromDays(36500), TimeProvider.System, NullLogger.Instance);
        if (!history.Open() || history.MovedAside != 0) Fail(5, $"history did not open cleanly: {history.LastFailure}, moved aside {history.MovedAside}");
        var policyStore = new PolicyMemoryStore(dir);
        var shutdownStore = new ShutdownStateStore(dir);
        var p = ReadPolicy(policyStore) ?? 0;
        var s = ReadShutdown(shutdownStore) ?? 0;
        TestAssemblyChild.Print($"recovered {h} {p} {s}");

        var target = p < h || s < h ? h : h + BatchSize;
        while (true)
        {
            TestAssemblyChild.Print($"writing {target}");
            if (h < target)
            {
                var batch = new HistorySample[target - h];
                for (var i = 0; i < batch.Length; i++)
                {
                    var seq = h + i;
                    batch[i] = new HistorySample("ups", Epoch.AddSeconds(seq),
                        [new Metric(NutNames.InputVoltage, seq, "V"), new Metric(NutNames.BatteryCharge, seq % 100, "%")]);
                }
                history.Add(batch);
                history.Flush();
                if (history.PendingCount != 0) Fail(4, $"history flush failed: {history.LastFailure}");
                h = target;
            }
            policyStore.SaveAsync(Policy(target), CancellationToken.None).GetAwaiter().GetResult();
            shutdownStore.SaveAsync(Shutdown(target), CancellationToken.None).GetAwaiter().GetResult();
            TestAssemblyChild.Print($"committed {target}");
            target += BatchSize;
        }
    }

    public static PolicyMemory Policy(long seq) => new(
        Epoch.AddSeconds(seq),
        Epoch,
        Enumerable.Range(0, PolicySamples).Select(i => new PolicyMemorySample(Epoch.AddSeconds(seq - i), (seq + i) % 100)).ToArray());

    public static ShutdownProgress Shutdown(long seq) => new(
        "power_cut_test",
        Reason(seq),
        DryRun: true,
        StartedAt: Epoch,
        PointOfNoReturnPassed: false,
        Completed: Enumerable.Range(0, ShutdownSteps).Select(i => new ShutdownStepResult($"step{i}", "dry_run", $"{Reason(seq)} step {i}", TimeSpan.FromMilliseconds(i))).ToArray(),
        FinishedAt: null,
        BootId: "power-cut-test");

    /// <summary>The sequence number in policy-state.json; null when there is no file. Throws when it does not load or is torn.</summary>
    public static long? ReadPolicy(PolicyMemoryStore store)
    {
        if (!File.Exists(store.FilePath)) return null;
        var m = store.LoadAsync(CancellationToken.None).GetAwaiter().GetResult()
            ?? throw new InvalidDataException($"{store.FilePath} exists but does not load");
        var seq = (long)(m.SavedAt - Epoch).TotalSeconds;
        if (!m.Samples.SequenceEqual(Policy(seq).Samples)) throw new InvalidDataException($"{store.FilePath}: samples do not belong to batch {seq}");
        return seq;
    }

    /// <summary>The sequence number in shutdown-state.json; null when there is no file. Throws when it does not load or is torn.</summary>
    public static long? ReadShutdown(ShutdownStateStore store)
    {
        if (!File.Exists(store.FilePath)) return null;
        var progress = store.LoadAsync(CancellationToken.None).GetAwaiter().GetResult()
            ?? throw new InvalidDataException($"{store.FilePath} exists but does not load");
        var seq = long.Parse(progress.Reason.AsSpan("batch ".Length), CultureInfo.InvariantCulture);
        if (!progress.Completed.SequenceEqual(Shutdown(seq).Completed)) throw new InvalidDataException($"{store.FilePath}: steps do not belong to batch {seq}");
        return seq;
    }

    private static string Reason(long seq) => $"batch {seq}";

    private static void Fail(int code, string message)
    {
        Console.Error.WriteLine(message);
        Environment.Exit(code);
    }
}
