using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Gateway.Storage;

/// <summary>
/// History and event log in one SQLite database (WAL, synchronous=NORMAL, held exclusively by one connection). Samples, roll-ups and events are
/// queued in memory and written by <see cref="Flush"/> in a single transaction, so the SD card sees one small
/// write per flush instead of one per reading. History has three tiers (<see cref="HistoryTier"/>), each pruned
/// after its own retention; a query reads the finest tier that still covers its start. Queries see queued data too. A corrupt database is moved aside
/// (<c>history.db.corrupt-&lt;UTC time&gt;</c>) and a fresh one is started; the gateway never stops for it.
/// </summary>
public sealed class SqliteHistoryStore : IHistoryStore, IDisposable
{
    public const string FileName = "history.db";
    public const int MaxEventsLimit = 10_000;

    /// <summary>
    /// Queued samples beyond this (database unwritable for a long time) are dropped, oldest first, and counted:
    /// about 7 hours of two devices at a 10 s interval, a few MB of memory.
    /// </summary>
    public const int MaxPendingSamples = 5_000;
    public const int MaxPendingEvents = 1_000;

    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    /// <summary>
    /// WAL bytes before SQLite copies the pages into the database (a checkpoint: the only fsyncs, none per commit
    /// at synchronous=NORMAL), and the size the WAL file is cut back to. A checkpoint copies each page once however
    /// often it changed since the last one, so a WAL that spans more than the raw tier's day copies each of its
    /// reused pages once per checkpoint instead of once a day: 32 MB (about 6 days at the defaults) writes about
    /// 14 % fewer bytes a day than 8 MB (bench/results.md). Closing the store checkpoints too.
    /// </summary>
    public const int WalCheckpointBytes = 32 * 1024 * 1024;

    /// <summary>
    /// The page size of a new database. A flush rewrites the partly filled last page and the root/interior pages of
    /// each tier besides its new rows, and every page goes to the WAL and again to the database at the checkpoint:
    /// 2 KiB pages write about 15 % fewer bytes than SQLite's default 4 KiB (measured, bench/results.md). A database
    /// created earlier keeps its page size.
    /// </summary>
    public const int NewDatabasePageSize = 2048;

    /// <summary>
    /// SQLite's page cache per connection, in KiB (a negative cache_size is KiB). The default, 2,000 KiB, is held by the
    /// connection for as long as it lives, and fills as the database grows; the
    /// rows a flush or a query touches are few, and a page not cached is read again from the kernel's page cache.
    /// </summary>
    public const int WriterCacheKiB = 512;

    private readonly TimeSpan _retention;
    private readonly TimeSpan _rawRetention;
    private readonly TimeSpan _minuteRetention;
    private readonly long _intervalSeconds;
    private readonly long _heartbeatSeconds;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Action<string>? _warn;
    private readonly Lock _writeGate = new();
    private readonly Lock _pendingGate = new();
    private readonly List<HistorySample> _pendingSamples = [];
    private readonly List<(HistoryTier Tier, RollupSample Sample)> _pendingRollups = [];
    private readonly List<(long Id, GatewayEvent Event)> _pendingEvents = [];
    private readonly ConcurrentDictionary<string, long> _deviceIds = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ushort> _metricIds = new(StringComparer.Ordinal);
    private SqliteConnection? _writer;
    private long _nextEventId = 1;
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;
    private string? _lastFailure;
    private long _transactions, _samplesWritten, _rollupsWritten, _eventsWritten, _dropped, _movedAside;

    /// <summary>A store that keeps every tier for <paramref name="retention"/>.</summary>
    public SqliteHistoryStore(string dataDir, TimeSpan retention, TimeProvider time, ILogger log, Action<string>? warn = null)
        : this(dataDir, new HistoryOptions(true, TimeSpan.FromSeconds(10), retention, TimeSpan.FromSeconds(10))
        {
            RawRetention = retention,
            MinuteRetention = retention,
        }, time, log, warn)
    {
    }

    public SqliteHistoryStore(string dataDir, HistoryOptions options, TimeProvider time, ILogger log, Action<string>? warn = null)
    {
        DatabasePath = Path.Combine(Path.GetFullPath(dataDir), FileName);
        _retention = options.Retention;
        _rawRetention = options.RawRetention;
        _minuteRetention = options.MinuteRetention;
        _intervalSeconds = (long)options.Interval.TotalSeconds;
        _heartbeatSeconds = (long)options.Heartbeat.TotalSeconds;
        _time = time;
        _log = log;
        _warn = warn;
    }

    public string DatabasePath { get; }

    /// <summary>Write transactions committed since start.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);
    public long SamplesWritten => Interlocked.Read(ref _samplesWritten);
    public long RollupsWritten => Interlocked.Read(ref _rollupsWritten);
    public long EventsWritten => Interlocked.Read(ref _eventsWritten);
    public long DroppedSamples => Interlocked.Read(ref _dropped);
    public long MovedAside => Interlocked.Read(ref _movedAside);
    public bool IsOpen => Volatile.Read(ref _writer) is not null;

    /// <summary>Why the database is not writable right now, or null.</summary>
    public string? LastFailure => Volatile.Read(ref _lastFailure);

    public int PendingCount
    {
        get { lock (_pendingGate) return _pendingSamples.Count + _pendingRollups.Count + _pendingEvents.Count; }
    }

    /// <summary>Opens (or creates) the database; checks it and moves a corrupt one aside. False when it cannot be written at all.</summary>
    public bool Open()
    {
        lock (_writeGate) return EnsureOpen();
    }

    public void Add(IReadOnlyList<HistorySample> samples)
    {
        if (samples.Count == 0) return;
        lock (_pendingGate)
        {
            _pendingSamples.AddRange(samples);
            var excess = _pendingSamples.Count - MaxPendingSamples;
            if (excess > 0)
            {
                _pendingSamples.RemoveRange(0, excess);
                Interlocked.Add(ref _dropped, excess);
            }
        }
    }

    /// <summary>Queues roll-ups of the <see cref="HistoryTier.Minute"/> or <see cref="HistoryTier.Quarter"/> tier.</summary>
    public void AddRollups(HistoryTier tier, IReadOnlyList<RollupSample> rollups)
    {
        if (tier == HistoryTier.Raw) throw new ArgumentOutOfRangeException(nameof(tier), "raw samples go through Add");
        if (rollups.Count == 0) return;
        lock (_pendingGate)
        {
            foreach (var r in rollups) _pendingRollups.Add((tier, r));
            var excess = _pendingRollups.Count - MaxPendingSamples;
            if (excess > 0)
            {
                _pendingRollups.RemoveRange(0, excess);
                Interlocked.Add(ref _dropped, excess);
            }
        }
    }

    public void Add(GatewayEvent e)
    {
        lock (_pendingGate)
        {
            _pendingEvents.Add((_nextEventId++, e));
            if (_pendingEvents.Count > MaxPendingEvents) _pendingEvents.RemoveAt(0);
        }
    }

    /// <summary>Writes everything queued in one transaction (and prunes old rows about once an hour). Never throws for database trouble.</summary>
    public void Flush()
    {
        lock (_writeGate)
        {
            var now = _time.GetUtcNow();
            var prune = now - _lastPrune >= PruneEvery;
            if (PendingCount == 0 && !prune) return;
            if (!EnsureOpen()) return;
            HistorySample[] samples;
            (HistoryTier Tier, RollupSample Sample)[] rollups;
            (long Id, GatewayEvent Event)[] events;
            lock (_pendingGate)
            {
                samples = _pendingSamples.ToArray();
                rollups = _pendingRollups.ToArray();
                events = _pendingEvents.ToArray();
            }
            try
            {
                Write(samples, rollups, events, prune ? now : null);
                if (prune) _lastPrune = now;
            }
            catch (Exception e) when (IsCorruption(e))
            {
                MoveAsideAndReopen(e.Message);
                return;
            }
            catch (SqliteException e)
            {
                // Disk full, I/O error, locked: the transaction rolled back; the same batch is retried next time.
                Fail($"writing history to {DatabasePath} failed: {StorageProblem.Describe(e, DatabasePath)}");
                return;
            }
            lock (_pendingGate)
            {
                RemoveWritten(_pendingSamples, samples);
                var writtenRollups = rollups.Select(r => r.Sample).ToHashSet(ReferenceEqualityComparer.Instance);
                _pendingRollups.RemoveAll(r => writtenRollups.Contains(r.Sample));
                if (events.Length > 0)
                {
                    var lastId = events[^1].Id;
                    _pendingEvents.RemoveAll(p => p.Id <= lastId);
                }
            }
            Interlocked.Increment(ref _transactions);
            Interlocked.Add(ref _samplesWritten, samples.Length);
            Interlocked.Add(ref _rollupsWritten, rollups.Length);
            Interlocked.Add(ref _eventsWritten, events.Length);
            if (_lastFailure is not null)
            {
                _log.LogInformation("History database {Path} is writable again", DatabasePath);
                Volatile.Write(ref _lastFailure, null);
            }
        }
    }

    /// <summary>The tier a query starting at <paramref name="from"/> reads: the finest one whose retention still covers it.</summary>
    public HistoryTier TierFor(DateTimeOffset from)
    {
        var age = _time.GetUtcNow() - from;
        if (age <= _rawRetention) return HistoryTier.Raw;
        if (age <= _minuteRetention) return HistoryTier.Minute;
        if (age <= _retention) return HistoryTier.Quarter;
        // Older than everything kept: the longest-kept tier, the finest of equals.
        return _retention > _minuteRetention ? HistoryTier.Quarter : _minuteRetention > _rawRetention ? HistoryTier.Minute : HistoryTier.Raw;
    }

    public Task<IReadOnlyList<HistoryPoint>> QueryAsync(string deviceId, string metric, DateTimeOffset from, DateTimeOffset to, int maxPoints, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceId);
        ArgumentException.ThrowIfNullOrEmpty(metric);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 1);
        if (to < from) throw new ArgumentOutOfRangeException(nameof(to), "'to' is before 'from'");
        var fromS = from.ToUnixTimeSeconds();
        var toS = to.ToUnixTimeSeconds();
        var tier = TierFor(from);
        // The raw tier holds changes only: the value before 'from' (at most a heartbeat earlier) is where the series starts.
        var readFromS = tier == HistoryTier.Raw ? fromS - _heartbeatSeconds : fromS;
        var found = new List<(long At, double Value)>();

        // Queued rows are read before the database, so a flush in between can only duplicate (filtered below), never hide.
        List<(long At, double Value)> pending = [];
        lock (_pendingGate)
        {
            if (tier == HistoryTier.Raw)
            {
                foreach (var s in _pendingSamples)
                    if (s.DeviceId == deviceId && FindMetric(s.Metrics, metric) is { } v) pending.Add((s.At.ToUnixTimeSeconds(), v));
            }
            else
            {
                foreach (var (t, r) in _pendingRollups)
                    if (t == tier && r.DeviceId == deviceId && FindStats(r.Stats, metric) is { } v) pending.Add((r.At.ToUnixTimeSeconds(), v));
            }
        }

        var lastStored = long.MinValue;
        if (_deviceIds.TryGetValue(deviceId, out var deviceKey) && _metricIds.TryGetValue(metric, out var metricKey))
        {
            try
            {
                lastStored = ReadStored(tier, deviceKey, metricKey, readFromS, toS, found, cancellationToken);
            }
            catch (SqliteException e)
            {
                _log.LogWarning("History query for {Device}/{Metric} failed: {Error}", deviceId, metric, e.Message);
            }
        }
        pending.Sort(static (a, b) => a.At.CompareTo(b.At));
        foreach (var p in pending)
            if (p.At > lastStored && p.At >= readFromS && p.At <= toS) found.Add(p);

        var series = new SeriesDownsampler(fromS, toS, maxPoints);
        if (tier == HistoryTier.Raw) AddHeldSteps(series, found, fromS, toS);
        else foreach (var (at, v) in found) series.Add(at, v);
        return Task.FromResult(series.Result());
    }

    /// <summary>
    /// Adds the stored rows of one device's metric to <paramref name="found"/> and returns the time of the last
    /// row read. Reads go through the writer's connection, the only one (see <see cref="OpenWriter"/>): a query
    /// waits for a flush and a flush for a query (the web runs one query at a time).
    /// </summary>
    private long ReadStored(HistoryTier tier, long deviceKey, ushort metricKey, long fromS, long toS, List<(long At, double Value)> found, CancellationToken cancellationToken)
    {
        var lastStored = long.MinValue;
        lock (_writeGate)
        {
            if (_writer is not { } conn) return lastStored;
            using var cmd = conn.CreateCommand();
            cmd.CommandText = $"SELECT at, data FROM {TableOf(tier)} WHERE id >= $f << 8 AND id <= ($t << 8) | 255 AND device = $d ORDER BY id";
            cmd.Parameters.AddWithValue("$d", deviceKey);
            cmd.Parameters.AddWithValue("$f", fromS);
            cmd.Parameters.AddWithValue("$t", toS);
            using var reader = cmd.ExecuteReader();
            var rows = 0;
            while (reader.Read())
            {
                if ((++rows & 1023) == 0) cancellationToken.ThrowIfCancellationRequested();
                var at = reader.GetInt64(0);
                lastStored = at;
                var blob = (byte[])reader.GetValue(1);
                if (tier == HistoryTier.Raw)
                {
                    if (MetricBlob.TryFind(blob, metricKey, out var v)) found.Add((at, v));
                }
                else if (RollupBlob.TryFind(blob, metricKey, out var avg, out _, out _)) found.Add((at, avg));
            }
        }
        return lastStored;
    }

    /// <summary>
    /// Rebuilds the steps of a change-only series: a value holds until the next row (which is at most a
    /// heartbeat later unless the gateway was not recording), so the value before a change is drawn up to the
    /// interval before it, the value before 'from' starts the series, and the last value runs on to now.
    /// </summary>
    private void AddHeldSteps(SeriesDownsampler series, List<(long At, double Value)> found, long fromS, long toS)
    {
        var hold = _heartbeatSeconds + _intervalSeconds;
        (long At, double Value)? prev = null;
        foreach (var (at, v) in found)
        {
            if (at < fromS)
            {
                prev = (at, v);
                continue;
            }
            if (prev is { } p && at - p.At <= hold)
            {
                if (p.At < fromS && at > fromS) series.Add(fromS, p.Value);
                if (at - _intervalSeconds > Math.Max(p.At, fromS)) series.Add(at - _intervalSeconds, p.Value);
            }
            series.Add(at, v);
            prev = (at, v);
        }
        if (prev is { } last)
        {
            var end = Math.Min(toS, _time.GetUtcNow().ToUnixTimeSeconds());
            if (end - last.At <= hold && end > last.At) series.Add(end, last.Value);
        }
    }

    private static double? FindMetric(IReadOnlyList<Metric> metrics, string key)
    {
        foreach (var m in metrics)
            if (m.Key == key) return m.Value;
        return null;
    }

    private static double? FindStats(IReadOnlyList<MetricStats> stats, string key)
    {
        foreach (var m in stats)
            if (m.Key == key) return m.Avg;
        return null;
    }

    private static string TableOf(HistoryTier tier) => tier switch
    {
        HistoryTier.Minute => "rollup_1m",
        HistoryTier.Quarter => "rollup_15m",
        _ => "readings",
    };

    public Task<IReadOnlyList<GatewayEvent>> EventsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        limit = Math.Min(limit, MaxEventsLimit);
        (long Id, GatewayEvent Event)[] pending;
        lock (_pendingGate) pending = _pendingEvents.ToArray();
        var all = new List<(long Id, GatewayEvent Event)>(pending);
        try
        {
            lock (_writeGate)
            {
                if (_writer is { } conn)
                {
                    using var cmd = conn.CreateCommand();
                    cmd.CommandText = "SELECT id, at, kind, severity, message, device, data FROM events ORDER BY at DESC, id DESC LIMIT $n";
                    cmd.Parameters.AddWithValue("$n", limit);
                    using var reader = cmd.ExecuteReader();
                    var seen = pending.Select(p => p.Id).ToHashSet();
                    while (reader.Read())
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var id = reader.GetInt64(0);
                        if (seen.Contains(id)) continue;
                        all.Add((id, ReadEvent(reader)));
                    }
                }
            }
        }
        catch (SqliteException e)
        {
            _log.LogWarning("Event log query failed: {Error}", e.Message);
        }
        IReadOnlyList<GatewayEvent> result = all.OrderByDescending(p => p.Event.At).ThenByDescending(p => p.Id).Take(limit).Select(p => p.Event).ToArray();
        return Task.FromResult(result);
    }

    public void Dispose()
    {
        lock (_writeGate) CloseWriter();
    }

    private static GatewayEvent ReadEvent(SqliteDataReader r)
    {
        var severity = r.GetInt32(3) switch { 2 => EventSeverity.Critical, 1 => EventSeverity.Warning, _ => EventSeverity.Info };
        IReadOnlyDictionary<string, string>? data = null;
        if (!r.IsDBNull(6))
        {
            try { data = JsonSerializer.Deserialize(r.GetString(6), StorageJsonContext.Default.DictionaryStringString); }
            catch (JsonException) { data = null; }
        }
        return new GatewayEvent(
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
            r.GetString(2),
            severity,
            r.GetString(4),
            r.IsDBNull(5) ? null : r.GetString(5),
            data);
    }

    private static void RemoveWritten(List<HistorySample> pending, HistorySample[] written)
    {
        // Only the written prefix is removed; samples queued meanwhile (or trimmed by MaxPendingSamples) stay.
        var set = new HashSet<HistorySample>(written, ReferenceEqualityComparer.Instance);
        pending.RemoveAll(set.Contains);
    }

    private bool EnsureOpen()
    {
        if (_writer is not null) return true;
        try
        {
            OpenWriter();
            return true;
        }
        catch (Exception e) when (IsCorruption(e))
        {
            return MoveAsideAndReopen(e.Message);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            CloseWriter();
            Fail($"cannot open history database {DatabasePath}: {StorageProblem.Describe(e, DatabasePath)}");
            return false;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
        {
            // No usable libsqlite3 on this system: the gateway runs on without history rather than stopping.
            CloseWriter();
            Fail($"the SQLite library (libsqlite3.so.0) cannot be loaded, install the package libsqlite3-0 ({e.GetType().Name})");
            return false;
        }
    }

    private bool MoveAsideAndReopen(string reason)
    {
        CloseWriter();
        SqliteConnection.ClearAllPools();
        var stamp = _time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var aside = $"{DatabasePath}.corrupt-{stamp}";
        try
        {
            File.Move(DatabasePath, aside, overwrite: true);
            if (File.Exists(DatabasePath + "-wal")) File.Move(DatabasePath + "-wal", aside + "-wal", overwrite: true);
            File.Delete(DatabasePath + "-shm");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Fail($"history database {DatabasePath} is corrupt ({reason}) and cannot be moved aside: {e.Message}");
            return false;
        }
        Interlocked.Increment(ref _movedAside);
        var msg = $"History database {DatabasePath} was corrupt ({reason}); moved it to {aside} and started a new one";
        _log.LogError("{Message}", msg);
        _warn?.Invoke(msg);
        try
        {
            OpenWriter();
            return true;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            CloseWriter();
            Fail($"cannot create a new history database {DatabasePath}: {StorageProblem.Describe(e, DatabasePath)}");
            return false;
        }
    }

    private void Fail(string message)
    {
        if (_lastFailure != message) _log.LogWarning("{Message}; history is kept in memory and retried at the next flush", message);
        Volatile.Write(ref _lastFailure, message);
    }

    private static bool IsCorruption(Exception e) =>
        e is InvalidDataException
        || e is SqliteException { SqliteErrorCode: 11 or 26 }; // SQLITE_CORRUPT, SQLITE_NOTADB

    private string ConnectionString(SqliteOpenMode mode) => new SqliteConnectionStringBuilder
    {
        DataSource = DatabasePath,
        Mode = mode,
        Cache = SqliteCacheMode.Private,
        DefaultTimeout = 10,
    }.ToString();

    /// <summary>The page cache limit in KiB of the one connection (queries read through it too), as SQLite reports it.</summary>
    internal long PageCacheKiB()
    {
        lock (_writeGate) return -long.Parse(Scalar(_writer ?? throw new InvalidOperationException("the history database is not open"), "PRAGMA cache_size") ?? "0", CultureInfo.InvariantCulture);
    }

    private void OpenWriter()
    {
        SqliteSetup.EnsureInitialized();
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        var conn = new SqliteConnection(ConnectionString(SqliteOpenMode.ReadWriteCreate) + ";Pooling=False");
        try
        {
            conn.Open();
            // Takes effect only while the file is still empty, i.e. for a new database.
            Exec(conn, $"PRAGMA page_size={NewDatabasePageSize}");
            // Before WAL is first used: the WAL index then lives in this process's memory instead of a mmapped
            // history.db-shm, whose pages every commit dirties and the kernel writes back after each flush (about
            // 2 MB a day on the SD card, bench/results.md). The price: this connection holds the database
            // exclusively, so every query goes through it and no other process can open the file while it runs.
            Exec(conn, "PRAGMA locking_mode=EXCLUSIVE");
            var mode = Scalar(conn, "PRAGMA journal_mode=WAL");
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                _log.LogWarning("History database {Path}: WAL mode not available (journal_mode={Mode})", DatabasePath, mode);
            var pageSize = long.Parse(Scalar(conn, "PRAGMA page_size") ?? "4096", CultureInfo.InvariantCulture);
            // secure_delete=FAST: Debian's (and Raspberry Pi OS's) libsqlite3 is built with secure_delete on, which
            // overwrites the pages the hourly prune frees with zeros, extra pages in the WAL and at the checkpoint;
            // FAST zeroes deleted content only in pages that are written anyway (−2 % bytes a day, bench/results.md).
            Exec(conn, $"PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint={WalCheckpointBytes / pageSize}; PRAGMA journal_size_limit={WalCheckpointBytes}; PRAGMA temp_store=MEMORY; PRAGMA secure_delete=FAST; PRAGMA cache_size=-{WriterCacheKiB};");
            var check = Scalar(conn, "PRAGMA quick_check");
            if (check != "ok") throw new InvalidDataException($"quick_check: {check}");
            if (long.Parse(Scalar(conn, "PRAGMA user_version") ?? "0", CultureInfo.InvariantCulture) == 1) MigrateFromVersion1(conn);
            EnsureSchema(conn);
            _deviceIds.Clear();
            _metricIds.Clear();
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT id, name FROM devices";
                using var r = cmd.ExecuteReader();
                while (r.Read()) _deviceIds[r.GetString(1)] = r.GetInt64(0);
            }
            using (var cmd = conn.CreateCommand())
            {
                cmd.CommandText = "SELECT id, key FROM metrics";
                using var r = cmd.ExecuteReader();
                while (r.Read()) _metricIds[r.GetString(1)] = (ushort)r.GetInt64(0);
            }
            var maxEvent = Scalar(conn, "SELECT COALESCE(MAX(id), 0) FROM events");
            lock (_pendingGate)
            {
                var next = long.Parse(maxEvent ?? "0", CultureInfo.InvariantCulture) + 1;
                // Queued events get ids above everything stored, so a fresh database never collides with them.
                foreach (var i in Enumerable.Range(0, _pendingEvents.Count)) _pendingEvents[i] = (next + i, _pendingEvents[i].Event);
                _nextEventId = next + _pendingEvents.Count;
            }
        }
        catch
        {
            conn.Dispose();
            throw;
        }
        Volatile.Write(ref _writer, conn);
        _log.LogInformation("History database {Path} open ({Devices} devices, {Metrics} metrics known)", DatabasePath, _deviceIds.Count, _metricIds.Count);
    }

    private void CloseWriter()
    {
        var w = _writer;
        Volatile.Write(ref _writer, null);
        w?.Dispose();
    }

    private void Write(HistorySample[] samples, (HistoryTier Tier, RollupSample Sample)[] rollups, (long Id, GatewayEvent Event)[] events, DateTimeOffset? pruneAt)
    {
        var conn = _writer!;
        var newDevices = new Dictionary<string, long>(StringComparer.Ordinal);
        var newMetrics = new Dictionary<string, ushort>(StringComparer.Ordinal);
        using var tx = conn.BeginTransaction();
        if (samples.Length > 0)
        {
            using var insert = conn.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT OR REPLACE INTO readings(id, device, at, data) VALUES(($a << 8) | $d, $d, $a, $b)";
            var pd = insert.Parameters.Add("$d", SqliteType.Integer);
            var pa = insert.Parameters.Add("$a", SqliteType.Integer);
            var pb = insert.Parameters.Add("$b", SqliteType.Blob);
            var entries = new List<(ushort, double)>(32);
            foreach (var s in samples)
            {
                entries.Clear();
                foreach (var m in s.Metrics) entries.Add((MetricId(conn, tx, m.Key, m.Unit, newMetrics), m.Value));
                pd.Value = DeviceId(conn, tx, s.DeviceId, newDevices);
                pa.Value = s.At.ToUnixTimeSeconds();
                pb.Value = MetricBlob.Encode(entries);
                insert.ExecuteNonQuery();
            }
        }
        foreach (var tier in (ReadOnlySpan<HistoryTier>)[HistoryTier.Minute, HistoryTier.Quarter])
        {
            if (!rollups.Any(r => r.Tier == tier)) continue;
            using var insert = conn.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = $"INSERT OR REPLACE INTO {TableOf(tier)}(id, device, at, data) VALUES(($a << 8) | $d, $d, $a, $b)";
            var pd = insert.Parameters.Add("$d", SqliteType.Integer);
            var pa = insert.Parameters.Add("$a", SqliteType.Integer);
            var pb = insert.Parameters.Add("$b", SqliteType.Blob);
            var entries = new List<(ushort, MetricStats)>(32);
            foreach (var (t, r) in rollups)
            {
                if (t != tier) continue;
                entries.Clear();
                foreach (var m in r.Stats) entries.Add((MetricId(conn, tx, m.Key, m.Unit, newMetrics), m));
                pd.Value = DeviceId(conn, tx, r.DeviceId, newDevices);
                pa.Value = r.At.ToUnixTimeSeconds();
                pb.Value = RollupBlob.Encode(entries);
                insert.ExecuteNonQuery();
            }
        }
        if (events.Length > 0)
        {
            using var insert = conn.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = "INSERT OR IGNORE INTO events(id, at, kind, severity, message, device, data) VALUES($i, $a, $k, $s, $m, $d, $j)";
            var pi = insert.Parameters.Add("$i", SqliteType.Integer);
            var pa = insert.Parameters.Add("$a", SqliteType.Integer);
            var pk = insert.Parameters.Add("$k", SqliteType.Text);
            var ps = insert.Parameters.Add("$s", SqliteType.Integer);
            var pm = insert.Parameters.Add("$m", SqliteType.Text);
            var pdv = insert.Parameters.Add("$d", SqliteType.Text);
            var pj = insert.Parameters.Add("$j", SqliteType.Text);
            foreach (var (id, e) in events)
            {
                pi.Value = id;
                pa.Value = e.At.ToUnixTimeMilliseconds();
                pk.Value = e.Kind;
                ps.Value = (int)e.Severity;
                pm.Value = e.Message;
                pdv.Value = (object?)e.DeviceId ?? DBNull.Value;
                pj.Value = e.Data is null ? DBNull.Value : JsonSerializer.Serialize(new Dictionary<string, string>(e.Data), StorageJsonContext.Default.DictionaryStringString);
                insert.ExecuteNonQuery();
            }
        }
        if (pruneAt is { } now)
        {
            foreach (var (tier, keep) in (ReadOnlySpan<(HistoryTier, TimeSpan)>)[(HistoryTier.Raw, _rawRetention), (HistoryTier.Minute, _minuteRetention), (HistoryTier.Quarter, _retention)])
            {
                using var prune = conn.CreateCommand();
                prune.Transaction = tx;
                prune.CommandText = $"DELETE FROM {TableOf(tier)} WHERE id < $c << 8";
                prune.Parameters.AddWithValue("$c", (now - keep).ToUnixTimeSeconds());
                prune.ExecuteNonQuery();
            }
            var cutoff = now - _retention;
            using var pruneEvents = conn.CreateCommand();
            pruneEvents.Transaction = tx;
            pruneEvents.CommandText = "DELETE FROM events WHERE at < $c";
            pruneEvents.Parameters.AddWithValue("$c", cutoff.ToUnixTimeMilliseconds());
            pruneEvents.ExecuteNonQuery();
        }
        tx.Commit();
        foreach (var (k, v) in newDevices) _deviceIds[k] = v;
        foreach (var (k, v) in newMetrics) _metricIds[k] = v;
    }

    private long DeviceId(SqliteConnection conn, SqliteTransaction tx, string name, Dictionary<string, long> added)
    {
        if (_deviceIds.TryGetValue(name, out var id) || added.TryGetValue(name, out id)) return id;
        if (_deviceIds.Count + added.Count >= 255) throw new SqliteException("too many distinct devices in the history database (255)", 1);
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO devices(name) VALUES($n) RETURNING id";
        cmd.Parameters.AddWithValue("$n", name);
        id = (long)cmd.ExecuteScalar()!;
        added[name] = id;
        return id;
    }

    private ushort MetricId(SqliteConnection conn, SqliteTransaction tx, string key, string unit, Dictionary<string, ushort> added)
    {
        if (_metricIds.TryGetValue(key, out var id) || added.TryGetValue(key, out id)) return id;
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO metrics(key, unit) VALUES($k, $u) RETURNING id";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$u", unit);
        var raw = (long)cmd.ExecuteScalar()!;
        if (raw >= RollupBlob.ConstantFlag) throw new SqliteException("too many distinct metrics", 1);
        id = (ushort)raw;
        added[key] = id;
        return id;
    }

    private static string? Scalar(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToString(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static void Exec(SqliteConnection conn, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = conn.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Creates what is missing in one transaction. A database that has it all is not written at all: every
    /// statement of <see cref="Schema"/> in its own transaction rewrote page 1 each time (17 WAL frames, 70 KB,
    /// for a new database), and the user_version pragma rewrote it at every start.
    /// </summary>
    private static void EnsureSchema(SqliteConnection conn)
    {
        var present = long.Parse(Scalar(conn, $"SELECT count(*) FROM sqlite_master WHERE name IN ({string.Join(", ", SchemaObjects.Select(o => $"'{o}'"))})") ?? "0", CultureInfo.InvariantCulture);
        if (present == SchemaObjects.Length && Scalar(conn, "PRAGMA user_version") == "2") return;
        using var tx = conn.BeginTransaction();
        Exec(conn, Schema, tx);
        tx.Commit();
    }

    private static readonly string[] SchemaObjects = ["devices", "metrics", "readings", "events", "events_at", "rollup_1m", "rollup_15m"];

    /// <summary>
    /// Version 1 kept every 10 s row for 30 days in a WITHOUT ROWID table; its rows of the last raw retention move
    /// into the version 2 table (older ones are not kept at full resolution any more).
    /// </summary>
    private void MigrateFromVersion1(SqliteConnection conn)
    {
        using var tx = conn.BeginTransaction();
        Exec(conn, "ALTER TABLE readings RENAME TO readings_v1", tx);
        Exec(conn, Schema, tx);
        Exec(conn, $"INSERT OR REPLACE INTO readings(id, device, at, data) SELECT (at << 8) | device, device, at, data FROM readings_v1 WHERE at >= {(_time.GetUtcNow() - _rawRetention).ToUnixTimeSeconds()}", tx);
        Exec(conn, "DROP TABLE readings_v1", tx);
        tx.Commit();
        _log.LogInformation("History database {Path} upgraded: rows of the last {Hours:0} h kept at full resolution", DatabasePath, _rawRetention.TotalHours);
    }

    // A table of the history tiers is keyed by id = (time << 8) | device: a rowid table, so a flush appends
    // to its last page (SQLite's quick balance) instead of splitting pages half-full, which halves the bytes written.
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS devices(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE IF NOT EXISTS metrics(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, unit TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS readings(
            id INTEGER PRIMARY KEY,
            device INTEGER NOT NULL,
            at INTEGER NOT NULL,
            data BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS events(
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            kind TEXT NOT NULL,
            severity INTEGER NOT NULL,
            message TEXT NOT NULL,
            device TEXT,
            data TEXT);
        CREATE INDEX IF NOT EXISTS events_at ON events(at);
        CREATE TABLE IF NOT EXISTS rollup_1m(
            id INTEGER PRIMARY KEY,
            device INTEGER NOT NULL,
            at INTEGER NOT NULL,
            data BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS rollup_15m(
            id INTEGER PRIMARY KEY,
            device INTEGER NOT NULL,
            at INTEGER NOT NULL,
            data BLOB NOT NULL);
        PRAGMA user_version = 2;
        """;
}
