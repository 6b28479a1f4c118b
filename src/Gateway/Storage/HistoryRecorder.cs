using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Storage;

/// <summary>
/// Feeds the history store: readings from the hub (averaged per device per <c>history.interval</c>, of which only
/// the values that moved beyond the deadband are kept, see <see cref="HistoryChangeFilter"/>), their 1-minute and
/// 15-minute roll-ups, and every gateway event, written together once per <c>history.flush_interval</c>. A critical event (shutdown
/// started, …) is written at once, because the machine may lose power soon after. When the host has stopped
/// every service (so the service_stopping event is in), everything, including the interval still open, is written.
/// </summary>
public sealed class HistoryRecorder : BackgroundService, IHostedLifecycleService
{
    private readonly SqliteHistoryStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger<HistoryRecorder> _log;
    private readonly TimeSpan _flushInterval;
    private readonly ReadingDownsampler _downsampler;
    private readonly ReadingDownsampler _minutes = new(TimeSpan.FromMinutes(1));
    private readonly ReadingDownsampler _quarters = new(TimeSpan.FromMinutes(15));
    private readonly HistoryChangeFilter _changes;
    private readonly HubSubscription _readings;
    private readonly EventSubscription _events;
    private readonly SemaphoreSlim _flushNow = new(0);
    private long _readingsSeen, _eventsSeen;
    private DateTimeOffset _nextFlush;
    private int _finalFlushed;

    public HistoryRecorder(SqliteHistoryStore store, ReadingHub hub, EventBus events, HistoryOptions options, TimeProvider time, ILogger<HistoryRecorder> log)
    {
        _store = store;
        _time = time;
        _log = log;
        _flushInterval = options.FlushInterval;
        _downsampler = new ReadingDownsampler(options.Interval);
        _changes = new HistoryChangeFilter(options.DeadbandPercent, options.Heartbeat);
        // Subscribed here, not in ExecuteAsync: hosted services are all constructed before any starts, so the
        // service_started event published by another service at start is not missed.
        _readings = hub.Subscribe("history", 4096, inline: true);
        _events = events.Subscribe("history", 4096);
    }

    public long ReadingsSeen => Interlocked.Read(ref _readingsSeen);
    public long EventsSeen => Interlocked.Read(ref _eventsSeen);

    /// <summary>Values of closed intervals, and how many of them moved enough to be written.</summary>
    public (long In, long Out) ChangeCounts
    {
        get { lock (_downsampler) return (_changes.MetricsIn, _changes.MetricsOut); }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The flush grid starts when the service starts (not when the database is open), so a reading taken
        // meanwhile lands on the same grid.
        _nextFlush = _time.GetUtcNow() + _flushInterval;
        // Opening runs quick_check, which takes a while on a big database: never on the start-up path.
        await Task.Yield();
        _store.Open();
        var pumpReadings = PumpReadingsAsync(stoppingToken);
        var pumpEvents = PumpEventsAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await WaitForFlushAsync(stoppingToken).ConfigureAwait(false);
                FlushDue();
            }
        }
        catch (OperationCanceledException) { }
        await Task.WhenAll(pumpReadings, pumpEvents).ConfigureAwait(false);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs after every hosted service has stopped: the last events (service_stopping, shutdown steps) are in.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        FinalFlush();
        return Task.CompletedTask;
    }

    /// <summary>Moves the intervals that have ended into the store and writes one batch.</summary>
    public void FlushDue()
    {
        var now = _time.GetUtcNow();
        lock (_downsampler)
        {
            _store.Add(_changes.Filter(_downsampler.TakeClosed(now)));
            _store.AddRollups(HistoryTier.Minute, _minutes.TakeClosedRollups(now));
            _store.AddRollups(HistoryTier.Quarter, _quarters.TakeClosedRollups(now));
        }
        _store.Flush();
    }

    public override void Dispose()
    {
        _readings.Dispose();
        _events.Dispose();
        _flushNow.Dispose();
        base.Dispose();
    }

    private void FinalFlush()
    {
        if (Interlocked.Exchange(ref _finalFlushed, 1) == 1) return;
        while (_readings.Reader.TryRead(out var e)) Accept(e);
        while (_events.Reader.TryRead(out var e)) _store.Add(e);
        lock (_downsampler)
        {
            _store.Add(_changes.Filter(_downsampler.TakeAll()));
            _store.AddRollups(HistoryTier.Minute, _minutes.TakeAllRollups());
            _store.AddRollups(HistoryTier.Quarter, _quarters.TakeAllRollups());
        }
        _store.Flush();
        _log.LogDebug("History: final flush done ({Transactions} transactions, {Samples} samples, {Events} events written since start)",
            _store.Transactions, _store.SamplesWritten, _store.EventsWritten);
    }

    /// <summary>Waits for the next flush on a fixed grid (a slow flush does not push the schedule back), or for a critical event.</summary>
    private async Task WaitForFlushAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        _nextFlush = _nextFlush == default ? now + _flushInterval : _nextFlush;
        var wait = _nextFlush - now;
        if (wait > TimeSpan.Zero)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var signalled = _flushNow.WaitAsync(cts.Token);
            var first = await Task.WhenAny(Task.Delay(wait, _time, cts.Token), signalled).ConfigureAwait(false);
            await cts.CancelAsync().ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            if (first == signalled)
            {
                // Written now; the next regular batch is a full interval later, so the rate stays one per interval.
                _nextFlush = _time.GetUtcNow() + _flushInterval;
                return;
            }
        }
        _nextFlush += _flushInterval;
        if (_nextFlush <= _time.GetUtcNow()) _nextFlush = _time.GetUtcNow() + _flushInterval;
    }

    private async Task PumpReadingsAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var e in _readings.Reader.ReadAllAsync(ct).ConfigureAwait(false)) Accept(e);
        }
        catch (OperationCanceledException) { }
    }

    private async Task PumpEventsAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var e in _events.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                _store.Add(e);
                Interlocked.Increment(ref _eventsSeen);
                if (e.Severity == EventSeverity.Critical) _flushNow.Release();
            }
        }
        catch (OperationCanceledException) { }
    }

    private void Accept(HubEvent e)
    {
        if (e is ReadingPublished p) Add(p.Reading);
    }

    /// <summary>Takes one reading as if it came from the hub (the history size bench fast-forwards through this).</summary>
    public void Add(Reading reading)
    {
        lock (_downsampler)
        {
            _downsampler.Add(reading);
            _minutes.Add(reading);
            _quarters.Add(reading);
        }
        Interlocked.Increment(ref _readingsSeen);
    }
}
