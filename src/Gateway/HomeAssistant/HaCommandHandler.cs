using Gateway.DeviceCommands;
using Gateway.Drivers.Devices;
using Gateway.Readings;
using Microsoft.Extensions.Logging;

namespace Gateway.HomeAssistant;

/// <summary>Home Assistant button presses (<c>&lt;base&gt;/&lt;device&gt;/command/&lt;key&gt;</c>) into device commands.</summary>
public sealed class HaCommandHandler
{
    private readonly MqttSession _session;
    private readonly DeviceCommandGate _commands;
    private readonly IReadOnlyDictionary<string, HaDeviceEntry> _devices;
    private readonly Lock _gate;
    private readonly ILogger _log;
    private long _retainedIgnored;

    public HaCommandHandler(MqttSession session, DeviceCommandGate commands, IReadOnlyDictionary<string, HaDeviceEntry> devices, Lock gate, ILogger log)
    {
        _session = session;
        _commands = commands;
        _devices = devices;
        _gate = gate;
        _log = log;
    }

    public void Handle(MqttReceivedMessage m, string deviceId, string key, CancellationToken ct)
    {
        if (m.Retain)
        {
            if (m.Payload.Length == 0) return;
            // A flood of retained commands must not flood the log: the first, then every 100th.
            if (Interlocked.Increment(ref _retainedIgnored) % 100 == 1)
                _log.LogWarning("Ignored a retained command on {Topic} ({Count} so far): command topics must not be retained; clearing it", m.Topic, _retainedIgnored);
            _session.Outbox.Enqueue(new MqttOutboxMessage(m.Topic, [], Retain: true));
            return;
        }
        if (m.Payload != HaDiscoveryDocument.PressPayload) return;
        string? command;
        lock (_gate)
        {
            if (!_devices.TryGetValue(deviceId, out var d) || d.Kind != DeviceKind.Ups)
            {
                _log.LogWarning("Ignored a command for unknown UPS '{Device}' on {Topic}", deviceId, m.Topic);
                return;
            }
            var commands = _commands.OfferedCommands(deviceId);
            command = key switch
            {
                UpsEntities.BeeperToggle => UpsEntities.BeeperCommand(commands, d.BeeperStatus),
                UpsEntities.BatteryTest => UpsEntities.BatteryTestCommand(commands),
                _ => null,
            };
        }
        if (command is null)
        {
            _log.LogWarning("Ignored button '{Key}' for {Device}: the device does not support it", key, deviceId);
            return;
        }
        _ = RunCommandAsync(deviceId, command, m.Topic, ct);
    }

    private async Task RunCommandAsync(string deviceId, string command, string topic, CancellationToken ct)
    {
        try
        {
            // The gate logs the outcome (refusals once per flood, with an event).
            await _commands.RunAsync(deviceId, command, CommandSource.Mqtt(topic), ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        catch (Exception e)
        {
            _log.LogError(e, "{Command} on {Device} failed", command, deviceId);
        }
    }
}
