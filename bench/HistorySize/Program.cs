using System.Globalization;
using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Gateway.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

// History size per year at the defaults, from a fast-forwarded run through the real recorder and store: a UPS and a
// meter whose values wander like the simulators' (random walks), read every second, for DAYS virtual days, flushed
// every flush_interval. Bytes written from /proc/self/io (all days, and from day 2 on: the steady state,
// the raw tier full and pruned). Bytes per table from SQLite's dbstat; a year = raw tier (1 day) + minute tier (30 days) +
// quarter tier (365 days) + events. Prints "key value" lines.
var inv = CultureInfo.InvariantCulture;
var days = args.Length > 0 ? int.Parse(args[0], inv) : 3;
var dir = Path.Combine(Path.GetTempPath(), "gw-history-size-" + Environment.ProcessId);
Directory.CreateDirectory(dir);
var flush = args.Length > 1 ? TimeSpan.FromMinutes(double.Parse(args[1], inv)) : TimeSpan.FromMinutes(15);
// SYNC=0 leaves dirty pages to the kernel (the old, undercounting method).
var syncEachFlush = Environment.GetEnvironmentVariable("SYNC") != "0";
var options = new HistoryOptions(true, TimeSpan.FromSeconds(10), TimeSpan.FromDays(730), flush);
var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
var hub = new ReadingHub(time, NullLogger<ReadingHub>.Instance);
var bus = new EventBus(NullLogger<EventBus>.Instance);
long written, writtenLastDay;
using (var store = new SqliteHistoryStore(dir, options, time, NullLogger.Instance))
using (var recorder = new HistoryRecorder(store, hub, bus, options, time, NullLogger<HistoryRecorder>.Instance))
{
    if (!store.Open()) throw new InvalidOperationException("cannot open the history database in " + dir);
    var random = new Random(1);
    double load = 300, grid = 230, pv = 600;
    double[] phase = [400, 700, 300], volts = [231, 229, 233];
    double import = 3604.2, export = 12.5;
    var flushEvery = (int)options.FlushInterval.TotalSeconds;
    var before = WriteBytes();
    var lastDay = before;
    for (var s = 0; s < days * 86400; s++)
    {
        // From day 2 on is the steady state: the raw tier is full and pruned every hour. A WAL checkpoint (every
        // 8 MB of WAL, a day or two apart) copies a day's pages at once, so it takes several days to average.
        if (s == 86400) lastDay = WriteBytes();
        var at = time.GetUtcNow();
        load = Math.Clamp(load + (random.NextDouble() - 0.5) * 20, 150, 450);
        grid = Math.Clamp(grid + (random.NextDouble() - 0.5) * 1.0, 222, 238);
        pv = Math.Clamp(pv + (random.NextDouble() - 0.5) * 60, 0, 1500);
        for (var i = 0; i < 3; i++)
        {
            phase[i] = Math.Clamp(phase[i] + (random.NextDouble() - 0.5) * 40, 80, 2500);
            volts[i] = Math.Clamp(volts[i] + (random.NextDouble() - 0.5) * 0.8, 222, 240);
        }
        var total = phase.Sum() - pv;
        if (total > 0) import += total / 3_600_000; else export -= total / 3_600_000;
        recorder.Add(Ups(at, load, grid));
        recorder.Add(Meter(at, phase, volts, pv, total, import, export));
        time.Advance(TimeSpan.FromSeconds(1));
        if ((s + 1) % flushEvery == 0)
        {
            recorder.FlushDue();
            // The kernel writes dirty pages back within ~30 s, long before the next flush: without this, a page
            // that every flush rewrites (the WAL index, a table's last page) would count once for the whole run.
            if (syncEachFlush) sync();
        }
    }
    written = WriteBytes() - before;
    writtenLastDay = WriteBytes() - lastDay;
    Console.WriteLine($"readings {recorder.ReadingsSeen}");
    Console.WriteLine($"transactions {store.Transactions}");
    Console.WriteLine($"raw_rows {store.SamplesWritten}");
    var (metricsIn, metricsOut) = recorder.ChangeCounts;
    Console.WriteLine($"raw_values_kept_percent {100.0 * metricsOut / metricsIn:0.0}");
}
SqliteConnection.ClearAllPools();
var db = Path.Combine(dir, SqliteHistoryStore.FileName);
using (var conn = new SqliteConnection($"Data Source={db};Pooling=False"))
{
    conn.Open();
    using (var ck = conn.CreateCommand()) { ck.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)"; ck.ExecuteNonQuery(); }
    using var cmd = conn.CreateCommand();
    cmd.CommandText = "SELECT name, SUM(pgsize) FROM dbstat GROUP BY name";
    using var r = cmd.ExecuteReader();
    var perTable = new Dictionary<string, long>();
    while (r.Read()) perTable[r.GetString(0)] = r.GetInt64(1);
    long Get(string t) => perTable.GetValueOrDefault(t);
    var raw = Get("readings") / (double)Math.Min(days, 1);          // the raw tier holds one day
    var minute = Get("rollup_1m") / (double)Math.Min(days, 30);     // the minute tier thirty
    var quarter = Get("rollup_15m") / (double)days;
    var other = perTable.Where(kv => kv.Key is not ("readings" or "rollup_1m" or "rollup_15m")).Sum(kv => kv.Value);
    Console.WriteLine($"raw_bytes_per_day {raw:0}");
    Console.WriteLine($"minute_bytes_per_day {minute:0}");
    Console.WriteLine($"quarter_bytes_per_day {quarter:0}");
    Console.WriteLine($"history_bytes_per_year {raw * 1 + minute * 30 + quarter * 365 + other:0}");
    Console.WriteLine($"history_write_bytes_per_day {written / days}");
    if (days > 1) Console.WriteLine($"history_write_bytes_steady_per_day {writtenLastDay / (days - 1)}");
}
Directory.Delete(dir, recursive: true);

static UpsReading Ups(DateTimeOffset at, double load, double grid) =>
    new("ups", at, TimeSpan.FromSeconds(5), UpsStatus.Parse("OL"), new Dictionary<string, string>
    {
        [NutNames.BatteryCharge] = "100",
        [NutNames.BatteryRuntime] = F(Math.Round(3000 * 300 / load)),
        [NutNames.BatteryVoltage] = "27.1",
        [NutNames.BatteryVoltageNominal] = "24",
        [NutNames.InputVoltage] = F(Math.Round(grid, 1)),
        [NutNames.InputFrequency] = "50",
        [NutNames.InputVoltageNominal] = "230",
        [NutNames.OutputVoltage] = "230",
        [NutNames.OutputFrequency] = "50",
        [NutNames.OutputCurrent] = F(Math.Round(load / 230, 1)),
        [NutNames.UpsLoad] = F(Math.Round(load / 30)),
        [NutNames.UpsRealPower] = F(Math.Round(load)),
        [NutNames.UpsPower] = F(Math.Round(load * 1.05)),
        [NutNames.UpsPowerNominal] = "3000",
        [NutNames.UpsTemperature] = "31.5",
    });

static MeterReading Meter(DateTimeOffset at, double[] phase, double[] volts, double pv, double total, double import, double export)
{
    MeterPhaseValues P(int i, double p) => new(Math.Round(volts[i], 1), Math.Round(volts[i] * 1.732, 1), Math.Round(p / volts[i], 3), Math.Round(p, 1), Math.Round(p * 1.03, 1), Math.Round(p * 0.2, 1), 0.97, null);
    return new MeterReading("grid", at, TimeSpan.FromSeconds(5))
    {
        L1 = P(0, phase[0]), L2 = P(1, phase[1]), L3 = P(2, phase[2] - pv),
        Total = new MeterPhaseValues(null, null, null, Math.Round(total, 1), Math.Round(Math.Abs(total) * 1.03, 1), Math.Round(total * 0.2, 1), 0.97, null),
        Frequency = 50, ImportEnergy = Math.Round(import, 1), ExportEnergy = Math.Round(export, 1),
    };
}

static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

[System.Runtime.InteropServices.DllImport("libc")]
static extern void sync();

static long WriteBytes()
{
    foreach (var line in File.ReadLines("/proc/self/io"))
        if (line.StartsWith("write_bytes:", StringComparison.Ordinal)) return long.Parse(line[12..].Trim(), CultureInfo.InvariantCulture);
    return 0;
}
