using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Threading.Channels;
using Gateway.Configuration;
using Gateway.Drivers.Serial;
using Gateway.Drivers.Threading;
using Gateway.Hosting;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.PacketInspection;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace Gateway.HomeAssistant;

/// <summary>
/// One MQTT connection kept alive for the life of the gateway (MQTTnet 5 has no managed client): connects with
/// birth and last will on <c>&lt;base_topic&gt;/status</c>, subscribes, drains the <see cref="MqttOutbox"/>, and
/// after any failure reconnects with backoff. Nothing outside waits on it: callers only enqueue.
/// </summary>
public sealed class MqttSession : IHealthContributor
{
    public const string Online = "online";
    public const string Offline = "offline";
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly MqttOptions _options;
    private readonly string _host;
    private readonly int _port;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    /// <summary>
    /// While the broker is simply unreachable (refused TCP connection, no route, timeout) a pause is at most this: an
    /// attempt costs one SYN, and a restarted broker must see the gateway back within 2 s.
    /// </summary>
    public static readonly TimeSpan UnreachableMax = TimeSpan.FromSeconds(1);

    private readonly ReconnectBackoff _backoff = NewBackoff();
    private readonly Channel<MqttReceivedMessage> _received =
        Channel.CreateBounded<MqttReceivedMessage>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly List<string> _subscriptions = [];
    private volatile string _state = "connecting";
    private volatile string? _detail;
    private long _connectAttempts, _connects, _pings, _probes;
    // Failed attempts since the last connect, and the last one's reason (one error line per distinct problem).
    private int _failures;
    private string? _lastFailure;
    // A broker's Server Keep Alive (MQTT 5 CONNACK), asked for in the next CONNECTs; MQTTnet 5.2's loop would ignore it.
    private TimeSpan? _serverKeepAlive;
    // Set only if a broker overrides even its own value: then MQTTnet's keep-alive loop runs.
    private bool _libraryKeepAlive;

    /// <summary>
    /// Reconnect pauses, with the drivers' one backoff type: short after a dropped connection, doubling from 0.5 s up
    /// to 30 s while the broker refuses us (credentials, protocol); no jitter (one client per broker).
    /// </summary>
    public static ReconnectBackoff NewBackoff() =>
        new(jitter: 0, initial: TimeSpan.FromMilliseconds(500), max: TimeSpan.FromSeconds(30), factor: 2);

    public MqttSession(MqttOptions options, string host, int port, MqttOutbox outbox, TimeProvider time, ILogger log)
    {
        _options = options;
        _host = host;
        _port = port;
        Outbox = outbox;
        _time = time;
        _log = log;
    }

    public MqttOutbox Outbox { get; }
    public string StatusTopic => _options.BaseTopic + "/status";
    public string Name => "mqtt";
    public bool IsConnected => _state == "connected";
    public long ConnectAttempts => Interlocked.Read(ref _connectAttempts);
    public long Connects => Interlocked.Read(ref _connects);
    /// <summary>PINGREQs the session sent itself because nothing else went out for half the keep-alive.</summary>
    public long Pings => Interlocked.Read(ref _pings);
    /// <summary>Plain TCP connects tried while the broker was unreachable (<see cref="BrokerProbe"/>), not counted in <see cref="ConnectAttempts"/>.</summary>
    public long Probes => Interlocked.Read(ref _probes);
    /// <summary>The pause before the next attempt, while reconnecting.</summary>
    public TimeSpan? NextRetryDelay { get; private set; }

    /// <summary>Messages received on the subscriptions (bounded; the oldest are dropped if nobody reads).</summary>
    public ChannelReader<MqttReceivedMessage> Received => _received.Reader;

    /// <summary>Raised after each successful connect (birth sent, subscriptions made), before the outbox drains.</summary>
    public event Action? Connected;

    /// <summary>Adds a topic filter subscribed on every connect. Call before <see cref="RunAsync"/>.</summary>
    public void Subscribe(string topicFilter) => _subscriptions.Add(topicFilter);

    public void Enqueue(string topic, byte[] payload, bool retain) => Outbox.Enqueue(new MqttOutboxMessage(topic, payload, retain));

    /// <summary>The keep-alive the CONNECT asks for: mqtt.keepalive, or the broker's own once it imposed one.</summary>
    private TimeSpan KeepAlive => _serverKeepAlive ?? _options.KeepAlive;

    public ComponentHealth Check() => new(_state, _state == "connected", _detail ?? $"{_host}:{_port}");

    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            var lost = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            client.DisconnectedAsync += e =>
            {
                lost.TrySetResult(e.Reason.ToString() + (e.Exception is null ? "" : ": " + e.Exception.Message));
                return Task.CompletedTask;
            };
            client.ApplicationMessageReceivedAsync += e =>
            {
                var m = e.ApplicationMessage;
                _received.Writer.TryWrite(new MqttReceivedMessage(m.Topic, Encoding.UTF8.GetString(m.Payload), m.Retain));
                return Task.CompletedTask;
            };

            Interlocked.Increment(ref _connectAttempts);
            var options = BuildOptions();
            var ownKeepAlive = !_libraryKeepAlive;
            if (ownKeepAlive) StopLibraryKeepAliveAfterConnect(client, options);
            try
            {
                using var timeout = new CancellationTokenSource(ConnectTimeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
                var result = await client.ConnectAsync(options, linked.Token).ConfigureAwait(false);
                if (result.ResultCode != MqttClientConnectResultCode.Success)
                    throw new MqttConnectRefusedException(MqttConnectFailure.DescribeRefusal(result.ResultCode, _options.Username));
                if (ownKeepAlive && result.ServerKeepAlive > 0)
                {
                    // MQTTnet's loop now runs with the zeroed period (a PINGREQ every 250 ms): connect again asking for the
                    // broker's value, which it then accepts as it is.
                    var server = TimeSpan.FromSeconds(result.ServerKeepAlive);
                    if (_serverKeepAlive == server) _libraryKeepAlive = true;
                    _serverKeepAlive = server;
                    _log.LogInformation("MQTT: the broker at {Host}:{Port} sets the keep-alive to {Seconds}s; reconnecting with it", _host, _port, result.ServerKeepAlive);
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), linked.Token).ConfigureAwait(false);
                    continue;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                var reason = MqttConnectFailure.Describe(e, _options.Username, ConnectTimeout, out var refused, out _);
                var delay = Failed(reason, refused);
                // Nothing answered (or not as MQTT): the next attempts are plain TCP probes until the port answers.
                if (!refused ? !await ProbeUntilReachableAsync(ct).ConfigureAwait(false) : !await PauseAsync(delay, ct).ConfigureAwait(false)) return;
                continue;
            }

            _failures = 0;
            _backoff.Reset();
            _lastFailure = null;
            NextRetryDelay = null;
            try
            {
                await client.PublishAsync(Message(StatusTopic, Encoding.UTF8.GetBytes(Online), retain: true, atLeastOnce: true), ct).ConfigureAwait(false);
                if (_subscriptions.Count > 0)
                {
                    var subscribe = new MqttClientSubscribeOptionsBuilder();
                    foreach (var filter in _subscriptions)
                        subscribe.WithTopicFilter(f => f.WithTopic(filter).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainAsPublished());
                    await client.SubscribeAsync(subscribe.Build(), ct).ConfigureAwait(false);
                }
                Interlocked.Increment(ref _connects);
                _state = "connected";
                _detail = $"{_host}:{_port}";
                _log.LogInformation("MQTT: connected to {Host}:{Port} as {ClientId}", _host, _port, _options.ClientId);
                Connected?.Invoke();
                await DrainOnOwnThreadAsync(client, lost.Task, ownKeepAlive ? KeepAlive : null, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await SayGoodbyeAsync(client).ConfigureAwait(false);
                return;
            }
            catch (Exception e)
            {
                _log.LogWarning("MQTT: connection to {Host}:{Port} lost ({Reason}); reconnecting", _host, _port, e.Message);
            }
            _failures = 1;
            _detail = "connection lost";
            if (!await PauseAsync(NextPause(refused: false), ct).ConfigureAwait(false)) return;
        }
    }

    /// <summary>
    /// MQTTnet 5.2 runs its keep-alive loop whenever the CONNECT's keep-alive is not 0, and that loop wakes every
    /// 250 ms whatever the period. So the CONNECT goes out with the configured keep-alive (the broker must still drop
    /// a silent gateway and publish its last will), and right after it has been encoded the options' period is set
    /// to 0, which MQTTnet reads once the CONNACK is in to decide whether to start its loop. The session then sends
    /// its own PINGREQ when nothing else went out (<see cref="Drain"/>).
    /// </summary>
    private static void StopLibraryKeepAliveAfterConnect(IMqttClient client, MqttClientOptions options)
    {
        Func<InspectMqttPacketEventArgs, Task>? inspect = null;
        inspect = e =>
        {
            if (e.Direction == MqttPacketFlowDirection.Outbound && e.Buffer.Length > 0 && e.Buffer[0] >> 4 == 1 /* CONNECT */)
            {
                options.KeepAlivePeriod = TimeSpan.Zero;
                // Inspection copies every packet while a handler is attached: only the CONNECT is needed.
                client.InspectPacketAsync -= inspect;
            }
            return Task.CompletedTask;
        };
        client.InspectPacketAsync += inspect;
    }

    /// <summary>
    /// Runs <see cref="Drain"/> on a thread of its own for the life of one connection. The thread sleeps on the
    /// outbox: a message enqueued wakes it alone, and a QoS 0 publish is a socket write on it. Awaited on the thread
    /// pool instead, every hand-off was a pool work item, and each item woke a second worker to help (perf,
    /// bench/results.md): two thirds of the pool's wake-ups on an idle gateway.
    /// </summary>
    private Task DrainOnOwnThreadAsync(IMqttClient client, Task<string> lost, TimeSpan? keepAlive, CancellationToken ct) =>
        OwnThread.Run("mqtt send", () => Drain(client, lost, keepAlive, ct));

    /// <param name="keepAlive">The CONNECT's keep-alive when the session pings itself; null when MQTTnet does.</param>
    private void Drain(IMqttClient client, Task<string> lost, TimeSpan? keepAlive, CancellationToken ct)
    {
        // A PINGREQ after half the keep-alive without a packet out: the broker allows 1.5 times it.
        var pingAfter = keepAlive / 2;
        var lastSent = _time.GetTimestamp();
        var outbox = Outbox;
        // The connection's end and the ping timer wake the sender through the outbox, with nothing to send.
        lost.ContinueWith(static (_, o) => ((MqttOutbox)o!).Wake(), outbox, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var pingFired = 0;
        // One timer for the whole idle stretch, not one per published message.
        using var pingTimer = pingAfter is null ? null : _time.CreateTimer(_ =>
        {
            Volatile.Write(ref pingFired, 1);
            outbox.Wake();
        }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        var pingArmed = false;
        while (true)
        {
            while (outbox.TryDequeue(out var m))
            {
                if (lost.IsCompleted) { outbox.ReturnUnsent(m); break; }
                try
                {
                    client.PublishAsync(Message(m.Topic, m.Payload, m.Retain, m.AtLeastOnce), ct).GetAwaiter().GetResult();
                    lastSent = _time.GetTimestamp();
                }
                catch
                {
                    outbox.ReturnUnsent(m);
                    throw;
                }
            }
            if (lost.IsCompleted) throw new IOException(lost.Result);
            if (pingTimer is not null && pingAfter is { } after)
            {
                if (Interlocked.Exchange(ref pingFired, 0) == 1) pingArmed = false;
                var idle = _time.GetElapsedTime(lastSent);
                if (idle >= after)
                {
                    using var pingTimeout = new CancellationTokenSource(after, _time);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, pingTimeout.Token);
                    client.PingAsync(linked.Token).GetAwaiter().GetResult();
                    Interlocked.Increment(ref _pings);
                    lastSent = _time.GetTimestamp();
                    idle = TimeSpan.Zero;
                }
                if (!pingArmed)
                {
                    pingTimer.Change(after - idle, Timeout.InfiniteTimeSpan);
                    pingArmed = true;
                }
            }
            outbox.WaitReady(ct);
        }
    }

    /// <summary>
    /// Counts a failed attempt (a whole connect or a probe), sets the health and the pause before the next one, and logs
    /// one clear line per distinct problem (repeats only at debug level). A broker that answered and refused backs off
    /// to 30 s; one that did not answer is tried again within <see cref="UnreachableMax"/>.
    /// </summary>
    private TimeSpan Failed(string reason, bool refused)
    {
        _failures++;
        var delay = NextPause(refused);
        _detail = reason;
        if (reason != _lastFailure)
            _log.LogError("MQTT: cannot connect to {Host}:{Port}: {Reason}. Retrying in {Delay:0.#}s with backoff",
                _host, _port, reason, delay.TotalSeconds);
        else
            _log.LogDebug("MQTT: attempt {Attempt} failed again ({Reason}); next in {Delay:0.#}s", _failures, reason, delay.TotalSeconds);
        _lastFailure = reason;
        return delay;
    }

    /// <summary>The pause before the next attempt, from the backoff, at most <see cref="UnreachableMax"/> unless the broker refused.</summary>
    private TimeSpan NextPause(bool refused)
    {
        var next = _backoff.Next();
        var delay = refused || next < UnreachableMax ? next : UnreachableMax;
        NextRetryDelay = delay;
        _state = "reconnecting";
        return delay;
    }

    /// <summary>
    /// While the broker does not answer: on a thread of its own, waits out <see cref="NextRetryDelay"/> and tries a plain
    /// TCP connect (<see cref="BrokerProbe"/>), again and again, until something accepts one; true then (the caller
    /// connects at once), false when <paramref name="ct"/> ended. A restarted broker is still seen within
    /// <see cref="UnreachableMax"/>, and an attempt costs this thread's wake-up and one system call, not an MQTT client.
    /// </summary>
    private async Task<bool> ProbeUntilReachableAsync(CancellationToken ct)
    {
        try
        {
            return await OwnThread.Run("mqtt probe", () => ProbeUntilReachable(ct)).WaitAsync(ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception e)
        {
            // The probe is only a cheaper way to wait (no eventfd, no thread, no socket here): the session pauses as it
            // did without it and tries a whole connect.
            _log.LogWarning("MQTT: the reachability probe of {Host}:{Port} failed ({Reason}); trying whole connects", _host, _port, e.Message);
        }
        return await PauseAsync(NextRetryDelay ?? UnreachableMax, ct).ConfigureAwait(false);
    }

    private bool ProbeUntilReachable(CancellationToken ct)
    {
        using var wake = new WakeSignal();
        using var stopping = ct.Register(wake.Set);
        var probe = new BrokerProbe(_host, _port, _time);
        while (true)
        {
            if (!wake.Sleep(_time, NextRetryDelay ?? UnreachableMax) || ct.IsCancellationRequested) return false;
            Interlocked.Increment(ref _probes);
            var reason = probe.TryConnect(ConnectTimeout, wake);
            if (ct.IsCancellationRequested) return false;
            if (reason is null) return true;
            Failed(reason, refused: false);
        }
    }

    private async Task SayGoodbyeAsync(IMqttClient client)
    {
        // A clean disconnect does not fire the last will, so say offline ourselves.
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2), _time);
            await client.PublishAsync(Message(StatusTopic, Encoding.UTF8.GetBytes(Offline), retain: true, atLeastOnce: true), cts.Token).ConfigureAwait(false);
            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cts.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _log.LogDebug("MQTT: goodbye failed: {Reason}", e.Message);
        }
        _state = "disconnected";
    }

    private async Task<bool> PauseAsync(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static MqttApplicationMessage Message(string topic, byte[] payload, bool retain, bool atLeastOnce) =>
        new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(atLeastOnce ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce)
            .Build();

    private MqttClientOptions BuildOptions()
    {
        var b = new MqttClientOptionsBuilder()
            .WithTcpServer(_host, _port)
            // MQTT 5 so that subscriptions can ask for retain-as-published: a retained command is recognisable as such.
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId(_options.ClientId)
            .WithKeepAlivePeriod(KeepAlive)
            .WithCleanSession()
            .WithTimeout(ConnectTimeout)
            .WithWillTopic(StatusTopic)
            .WithWillPayload(Encoding.UTF8.GetBytes(Offline))
            .WithWillRetain()
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        if (_options.Username is { } user) b.WithCredentials(user, _options.Password ?? "");
        if (_options.Tls)
        {
            b.WithTlsOptions(t =>
            {
                t.UseTls();
                if (_options.CaFile is { } caFile) t.WithCertificateValidationHandler(args => ValidateWithCa(caFile, args.Certificate, args.SslPolicyErrors));
            });
        }
        return b.Build();
    }

    /// <summary>A broker certificate signed by the configured CA (mqtt.ca_file) and issued for the host connected to.</summary>
    internal static bool ValidateWithCa(string caFile, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null) return false;
        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
        using var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
