using Gateway.Configuration;
using Gateway.DeviceCommands;
using Gateway.DeviceTypes;
using Gateway.Drivers.Devices;
using Gateway.Hosting;
using Gateway.Policy;
using Gateway.Readings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.HomeAssistant;

/// <summary>
/// Runs the Home Assistant side of the gateway: the <see cref="MqttSession"/> and the loops that feed
/// <see cref="HaDiscoveryPublisher"/> (configs), <see cref="HaStatePublisher"/> (states, availability, events) and
/// <see cref="HaCommandHandler"/> (button presses). An independent subscriber: it never reaches into a driver
/// except through <see cref="DeviceDirectory"/>.
/// </summary>
public sealed class HomeAssistantBridge : BackgroundService
{
    private readonly MqttSession _session;
    private readonly HaTopics _topics;
    private readonly ReadingHub _hub;
    private readonly EventBus _events;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly HaDiscoveryPublisher _discovery;
    private readonly HaStatePublisher _state;
    private readonly HaCommandHandler _commands;
    private int _republishPending;
    private readonly SecondTick _tick;

    public HomeAssistantBridge(GatewayConfig config, MqttSession session, ReadingHub hub, EventBus events, DeviceCommandGate commands,
        IPolicyStatusSource policy, StartInfo start, TimeProvider time, ILogger<HomeAssistantBridge> log, SecondTick? tick = null)
    {
        _tick = tick ?? new SecondTick(time, log);
        _session = session;
        _topics = new HaTopics(config.Mqtt.BaseTopic, config.Mqtt.DiscoveryPrefix, config.Gateway.Name);
        _hub = hub;
        _events = events;
        _time = time;
        _log = log;
        var devices = new Dictionary<string, HaDeviceEntry>(StringComparer.Ordinal);
        foreach (var d in config.Devices)
            devices[d.Id] = new HaDeviceEntry(d.Id, d.DisplayName, d.Type, d.IsUps ? DeviceKind.Ups : DeviceKind.Meter,
                DeviceTypeRegistry.Find(d.Type)?.MeterEntities?.Invoke(d));
        var directory = commands.Directory;
        _discovery = new HaDiscoveryPublisher(config, session, _topics, commands, devices, _gate, log);
        _state = new HaStatePublisher(config.Mqtt, session, _topics, hub, directory, policy, start, time, devices, _discovery, _gate);
        _commands = new HaCommandHandler(session, commands, devices, _gate, log);
        session.Subscribe(_topics.HomeAssistantStatus);
        session.Subscribe(_topics.CommandFilter);
        session.Connected += PublishAll;
    }

    public HaTopics Topics => _topics;

    public MqttSession Session => _session;

    /// <summary>How many times the full set (configs, availability, states) was queued: connects plus Home Assistant births.</summary>
    public int FullPublishes { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await _discovery.LoadRecordAsync(stoppingToken).ConfigureAwait(false);
        using var hubSub = _hub.Subscribe("home-assistant", inline: true);
        using var eventSub = _events.Subscribe("home-assistant");
        lock (_gate)
        {
            foreach (var snap in _hub.Snapshot())
                if (snap.Latest is { } r) _state.OnReading(r);
        }
        await Task.WhenAll(
            _session.RunAsync(stoppingToken),
            HubLoop(hubSub, stoppingToken),
            EventLoop(eventSub, stoppingToken),
            ReceiveLoop(stoppingToken),
            TickLoop(stoppingToken)).ConfigureAwait(false);
    }

    private async Task HubLoop(HubSubscription sub, CancellationToken ct)
    {
        try
        {
            await foreach (var e in sub.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                try
                {
                    lock (_gate)
                    {
                        switch (e)
                        {
                            case ReadingPublished p: _state.OnReading(p.Reading); break;
                            case LinkStateChanged l: _state.OnLink(l.DeviceId, l.Current); break;
                        }
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A bug with one reading must not stop Home Assistant updates (or the host).
                    _log.LogError(ex, "Home Assistant: cannot publish {Event} for {Device}", e.GetType().Name, e.DeviceId);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task EventLoop(EventSubscription sub, CancellationToken ct)
    {
        try
        {
            await foreach (var e in sub.Reader.ReadAllAsync(ct).ConfigureAwait(false))
                _state.OnEvent(e);
        }
        catch (OperationCanceledException) { }
    }

    /// <param name="ct">Ends the periodic publish (the shared 1 s tick; see <see cref="SecondTick"/>).</param>
    private async Task TickLoop(CancellationToken ct)
    {
        try
        {
            using var every = _tick.Subscribe("Home Assistant periodic publish", async () =>
            {
                try
                {
                    _state.Tick();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    _log.LogError(ex, "Home Assistant: periodic publish failed");
                }
                await _discovery.SaveRecordIfDirtyAsync(ct).ConfigureAwait(false);
            });
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
    }

    private async Task ReceiveLoop(CancellationToken ct)
    {
        try
        {
            await foreach (var m in _session.Received.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (m.Topic == _topics.HomeAssistantStatus)
                {
                    if (m.Payload.Trim().Equals(MqttSession.Online, StringComparison.OrdinalIgnoreCase))
                        _ = RepublishAfterBirthAsync(ct);
                }
                else if (_topics.TryParseCommand(m.Topic, out var deviceId, out var key))
                {
                    _commands.Handle(m, deviceId, key, ct);
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Home Assistant (re)started: configs again after 1–5 s (random, so many gateways do not answer at once), then states.</summary>
    private async Task RepublishAfterBirthAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _republishPending, 1) == 1) return;
        try
        {
            var delay = TimeSpan.FromMilliseconds(Random.Shared.Next(1000, 5001));
            _log.LogInformation("Home Assistant came online; republishing discovery in {Delay:0.0}s", delay.TotalSeconds);
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            PublishAll();
        }
        catch (OperationCanceledException) { }
        finally
        {
            Volatile.Write(ref _republishPending, 0);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _discovery.SaveRecordAtStopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues everything: stale-config clears, every config, availability and every state (on connect and on HA birth).</summary>
    public void PublishAll()
    {
        lock (_gate)
        {
            FullPublishes++;
            _discovery.PublishAll();
            _state.PublishAll();
        }
    }
}
