using System.Threading.Channels;
using Gateway.Configuration;
using Gateway.Readings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Notifications;

/// <summary>
/// Turns gateway events into notifications and sends them to every configured channel. Each channel has its own
/// queue and worker, so a slow or dead Discord never delays ntfy, and nothing ever waits on a send: the event bus
/// drops into a bounded queue. Failures are retried with backoff; logs name the channel only, never a URL or token.
/// </summary>
public sealed class NotificationDispatcher : BackgroundService
{
    public const int QueueCapacity = 256;
    /// <summary>Shutdown messages get this many times the normal timeout (the network may be struggling on battery).</summary>
    public const int CrisisTimeoutFactor = 3;
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(3);

    private readonly NotificationsOptions _options;
    private readonly string _gateway;
    private readonly TimeProvider _time;
    private readonly ILogger<NotificationDispatcher> _log;
    private readonly EventSubscription _subscription;
    private readonly SenderQueue[] _channels;

    public NotificationDispatcher(GatewayConfig config, EventBus events, IEnumerable<INotificationSender> senders, TimeProvider time, ILogger<NotificationDispatcher> log)
    {
        _options = config.Notifications;
        _gateway = config.Gateway.Name;
        _time = time;
        _log = log;
        _subscription = events.Subscribe("notifications");
        _channels = senders.Select(s => new SenderQueue(s)).ToArray();
    }

    public long Sent => _channels.Sum(c => Interlocked.Read(ref c.Sent));
    public long Failed => _channels.Sum(c => Interlocked.Read(ref c.Failed));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_channels.Length == 0) return;
        _log.LogInformation("Notifications go to: {Channels}", string.Join(", ", _channels.Select(c => c.Sender.Name)));
        var workers = _channels.Select(c => Task.Run(() => WorkAsync(c, stoppingToken), CancellationToken.None)).ToArray();
        try
        {
            await foreach (var e in _subscription.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
                Enqueue(e);
        }
        catch (OperationCanceledException) { }
        foreach (var c in _channels) c.Queue.Writer.TryComplete();
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private void Enqueue(GatewayEvent e)
    {
        if (NotificationFormatter.From(e, _gateway) is not { } n) return;
        foreach (var c in _channels)
            if (!c.Queue.Writer.TryWrite(n)) Interlocked.Increment(ref c.Failed);
    }

    private async Task WorkAsync(SenderQueue c, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var n in c.Queue.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                Interlocked.Increment(ref c.InFlight);
                try { await SendWithRetriesAsync(c, n, stoppingToken).ConfigureAwait(false); }
                finally { Interlocked.Decrement(ref c.InFlight); }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task SendWithRetriesAsync(SenderQueue c, Notification n, CancellationToken stoppingToken)
    {
        var timeout = n.Crisis ? _options.Timeout * CrisisTimeoutFactor : _options.Timeout;
        var delay = FirstRetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            string problem;
            var retryable = true;
            using (var attemptCts = new CancellationTokenSource(timeout, _time))
            {
                try
                {
                    await c.Sender.SendAsync(n, attemptCts.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref c.Sent);
                    return;
                }
                catch (NotificationSendException e)
                {
                    problem = e.Message;
                    retryable = e.Retryable;
                }
                catch (OperationCanceledException) when (attemptCts.IsCancellationRequested)
                {
                    problem = $"{c.Sender.Name}: no answer within {Duration.Format(timeout)}";
                }
            }
            if (!retryable || attempt >= _options.Retries)
            {
                Interlocked.Increment(ref c.Failed);
                _log.LogWarning("Notification '{Title}' not delivered after {Attempts} attempt(s): {Problem}", n.Title, attempt + 1, problem);
                return;
            }
            _log.LogDebug("Notification '{Title}' attempt {Attempt} failed ({Problem}); retrying in {Delay}", n.Title, attempt + 1, problem, delay);
            // While stopping, the remaining queue still gets its chance (bounded by the drain limit), without retry pauses.
            if (stoppingToken.IsCancellationRequested) continue;
            try { await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            delay *= 2;
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Give the last events (service stopping, a shutdown step) a moment to go out before the workers stop.
        var start = _time.GetTimestamp();
        while (_channels.Length > 0 && _time.GetElapsedTime(start) < DrainLimit && !cancellationToken.IsCancellationRequested)
        {
            while (_subscription.Reader.TryRead(out var e)) Enqueue(e);
            if (_channels.All(c => c.Queue.Reader.Count == 0 && Interlocked.Read(ref c.InFlight) == 0) && _time.GetElapsedTime(start) > TimeSpan.FromMilliseconds(200)) break;
            try { await Task.Delay(TimeSpan.FromMilliseconds(50), _time, cancellationToken).ConfigureAwait(false); }
            catch (OperationCanceledException) { break; }
        }
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _subscription.Dispose();
        base.Dispose();
    }

    private sealed class SenderQueue(INotificationSender sender)
    {
        public INotificationSender Sender { get; } = sender;
        public Channel<Notification> Queue { get; } = Channel.CreateBounded<Notification>(
            new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        public long Sent;
        public long Failed;
        public long InFlight;
    }
}
