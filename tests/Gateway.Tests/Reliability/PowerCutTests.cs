using System.Diagnostics;
using System.Globalization;
using Gateway.Policy;
using Gateway.Shutdown;
using Gateway.Storage;
using Gateway.Tests.Storage;
using Gateway.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Gateway.Tests.Reliability;

/// <summary>
/// Power cut: a process writing history (SQLite) and both state files (AtomicFile) is SIGKILLed 200 times at a
/// random moment 5–50 ms after it starts writing. After every kill the next process must read all three without
/// error, the database must pass integrity_check, nothing reported as committed may be lost and at most the
/// batch in flight may be missing.
/// </summary>
[Trait("Category", "Reliability")]
[Collection(ReliabilityProcessCollection.Name)]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class PowerCutTests(ITestOutputHelper output) : IDisposable
{
    private const int Kills = 200;
    private const int B = PowerCutChild.BatchSize;
    private readonly TempDir _dir = new("gw-power-cut");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    [Fact]
    public async Task Killed_200_times_while_writing_history_and_state_files_everything_reloads_and_at_most_the_last_batch_is_lost()
    {
        var random = new Random(20261125);
        var dbPath = Path.Combine(_dir.Path, SqliteHistoryStore.FileName);
        var policyStore = new PolicyMemoryStore(_dir.Path);
        var shutdownStore = new ShutdownStateStore(_dir.Path);
        long h = 0, p = 0, s = 0, lastReported = 0;
        int roundsWithCommit = 0, killedInsideABatch = 0, killedBetweenFiles = 0;
        var startups = new List<double>();
        var total = Stopwatch.StartNew();

        for (var round = 0; round < Kills; round++)
        {
            var delay = random.Next(5, 51);
            var started = Stopwatch.StartNew();
            using var child = TestAssemblyChild.Start(nameof(PowerCutChild), _dir.Path);
            // "It starts and reads both without error": the child loads all three through the product code.
            var recovered = await child.WaitForLineAsync("recovered ", TimeSpan.FromSeconds(60));
            Assert.Equal($"{h} {p} {s}", recovered);
            await child.WaitForLineAsync("writing ", TimeSpan.FromSeconds(30));
            startups.Add(started.Elapsed.TotalMilliseconds);
            await Task.Delay(delay);
            await child.KillAsync();

            var inFlight = Parse(child.Last("writing ")!);
            var reported = child.Last("committed ") is { } c ? Parse(c) : lastReported;
            if (reported > lastReported) roundsWithCommit++;
            lastReported = Math.Max(lastReported, reported);

            var check = HistoryKillTests.IntegrityCheck(dbPath);
            Assert.True(check == "ok", $"round {round}: integrity_check: {check}");
            h = HistoryKillChild.StoredRows(dbPath);
            Assert.Equal(h, HistoryKillTests.ContiguousRows(dbPath));
            p = PowerCutChild.ReadPolicy(policyStore) ?? 0;
            s = PowerCutChild.ReadShutdown(shutdownStore) ?? 0;

            var state = $"round {round}: killed {delay} ms after 'writing'; writing {inFlight}, committed {reported}; history {h}, policy {p}, shutdown {s}";
            foreach (var (name, value) in new[] { ("history", h), ("policy", p), ("shutdown", s) })
            {
                Assert.True(value % B == 0, $"{state}: {name} holds a partial batch");
                Assert.True(value >= lastReported, $"{state}: {name} lost a committed batch");
                Assert.True(value >= inFlight - B && value <= inFlight, $"{state}: {name} is not the batch in flight or the one before");
            }
            Assert.True(s <= p && p <= h, $"{state}: files written out of order");
            if (h != inFlight || s != inFlight) killedInsideABatch++;
            if (h != p || p != s) killedBetweenFiles++;
            if (round % 20 == 0 || round == Kills - 1) output.WriteLine(state);
        }

        var leftovers = Directory.GetFiles(_dir.Path, ".*.tmp").Length;
        // One more start: its first completed batch removes the temp files the killed writers left behind; the
        // kill right after it can leave at most the one in flight per state file.
        using (var last = TestAssemblyChild.Start(nameof(PowerCutChild), _dir.Path))
        {
            await last.WaitForLineAsync("committed ", TimeSpan.FromSeconds(60));
            await last.KillAsync();
        }
        var leftoversAfterAWrite = Directory.GetFiles(_dir.Path, ".*.tmp");
        startups.Sort();
        output.WriteLine($"{Kills} kills in {total.Elapsed.TotalSeconds:0.0} s; start→writing median {startups[startups.Count / 2]:0} ms, max {startups[^1]:0} ms");
        output.WriteLine($"final: {h} history rows, policy batch {p}, shutdown batch {s}; {roundsWithCommit} rounds committed at least one batch, "
            + $"{killedInsideABatch} kills landed inside a batch ({killedBetweenFiles} between the files); {leftovers} temp files left by killed writes, {leftoversAfterAWrite.Length} after one more completed write");
        Assert.True(roundsWithCommit >= Kills / 10, "the kills came too early to interrupt real writes");
        Assert.True(killedInsideABatch >= 10, "too few kills landed inside a write");
        Assert.True(leftoversAfterAWrite.Length <= 2, $"stale temp files are not cleaned up: {string.Join(", ", leftoversAfterAWrite.Select(Path.GetFileName))}");
    }

    private static long Parse(string s) => long.Parse(s, CultureInfo.InvariantCulture);
}
