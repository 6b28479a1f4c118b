using System.Collections.Concurrent;
using System.Globalization;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Microsoft.Extensions.Logging;

namespace Gateway.DeviceCommands;

/// <summary>
/// The one way a command reaches a device, whichever path it came by (Home Assistant button over MQTT, NUT
/// INSTCMD, the API). Per device: one command at a time (a second one is refused, never queued in front of the
/// polls); each command (or setting) at most once per <c>command_interval</c>; a setting write the device already
/// shows, or that was just made, is skipped; commands that cut power or load only when the configuration names
/// them. Refusals are logged with their source and published as events (floods summarised).
/// </summary>
public sealed class DeviceCommandGate
{
    /// <summary>How long a device gets to carry a command out.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(10);

    private readonly DeviceDirectory _directory;
    private readonly ReadingHub _hub;
    private readonly CommandRefusalLog _refusals;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private Dictionary<string, DeviceOptions> _devices;
    private readonly ConcurrentDictionary<string, DeviceCommandState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, OfferedCommandsMemo> _offered = new(StringComparer.Ordinal);

    public DeviceCommandGate(IEnumerable<DeviceOptions> devices, DeviceDirectory directory, ReadingHub hub, CommandRefusalLog refusals, TimeProvider time, ILogger<DeviceCommandGate> log)
    {
        _directory = directory;
        _hub = hub;
        _refusals = refusals;
        _time = time;
        _log = log;
        _devices = ById(devices);
    }

    /// <summary>The first device of each id (a loop, not GroupBy: each GroupBy instantiation is generic code of its own in the native binary).</summary>
    private static Dictionary<string, DeviceOptions> ById(IEnumerable<DeviceOptions> devices)
    {
        var byId = new Dictionary<string, DeviceOptions>(StringComparer.Ordinal);
        foreach (var d in devices) byId.TryAdd(d.Id, d);
        return byId;
    }

    /// <summary>A new device list (allowed dangerous commands, command intervals), applied live.</summary>
    public void Reconfigure(IEnumerable<DeviceOptions> devices) => Volatile.Write(ref _devices, ById(devices));

    /// <summary>Whether <paramref name="command"/> may be offered to users (a button, a list): supported and, if dangerous, allowed.</summary>
    public bool IsOffered(string deviceId, string command) =>
        _directory.CommandsOf(deviceId).Contains(command, StringComparer.Ordinal) && IsAllowed(deviceId, command);

    /// <summary>The device's commands that may be offered: the dangerous ones only when the configuration allows them.</summary>
    public IReadOnlyList<string> OfferedCommands(string deviceId)
    {
        // Asked on every reading (Home Assistant's discovery compares them): worked out again only when the driver's
        // command list or the device options were replaced (both are swapped whole, never changed in place).
        var commands = _directory.CommandsOf(deviceId);
        var devices = Volatile.Read(ref _devices);
        if (_offered.TryGetValue(deviceId, out var memo) && ReferenceEquals(memo.Commands, commands) && ReferenceEquals(memo.Devices, devices))
            return memo.Offered;
        var offered = new List<string>(commands.Count);
        foreach (var c in commands)
            if (IsAllowed(devices, deviceId, c)) offered.Add(c);
        string[] result = [.. offered];
        _offered[deviceId] = new OfferedCommandsMemo(commands, devices, result);
        return result;
    }

    private bool IsAllowed(string deviceId, string command) => IsAllowed(Volatile.Read(ref _devices), deviceId, command);

    private static bool IsAllowed(Dictionary<string, DeviceOptions> devices, string deviceId, string command) =>
        !DangerousCommands.IsDangerous(command)
        || (devices.TryGetValue(deviceId, out var d) && d.AllowedDangerousCommands.Contains(command, StringComparer.OrdinalIgnoreCase));

    private TimeSpan IntervalOf(string deviceId) => _devices.TryGetValue(deviceId, out var d) ? d.CommandInterval : DeviceOptions.DefaultCommandInterval;

    public DeviceDirectory Directory => _directory;

    public async Task<CommandOutcome> RunAsync(string deviceId, string command, CommandSource source, CancellationToken ct)
    {
        var outcome = Admit(deviceId, command, out var driver, out var state);
        if (outcome is not null)
        {
            if (outcome.Refused) _refusals.Report(deviceId, command, source, outcome);
            // Not a refusal (nothing needed doing, or the device lacks the command): the caller has the answer; a flood must not fill the log.
            else _log.LogDebug("Command {Command} for {Device} from {Source}: {Verdict}: {Message}", command, deviceId, source, outcome.Verdict, outcome.Message);
            return outcome;
        }
        DeviceCommandResult result;
        try
        {
            _log.LogInformation("Command {Command} for {Device} from {Source}: sending", command, deviceId, source);
            using var timeout = new CancellationTokenSource(CommandTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
            try
            {
                result = await driver!.ExecuteAsync(command, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
            {
                result = DeviceCommandResult.Failed($"the device did not answer within {CommandTimeout.TotalSeconds:0} s");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogError(e, "Command {Command} for {Device} failed inside the driver", command, deviceId);
                result = DeviceCommandResult.Failed($"the driver failed: {e.Message}");
            }
        }
        finally
        {
            lock (state!.Gate) state.Running = null;
        }
        outcome = Map(deviceId, command, result);
        if (outcome.Succeeded && SettingCommands.IsSetting(command))
            lock (state.Gate) state.LastWrite[SettingCommands.RateKey(command)] = (command, _time.GetTimestamp());
        if (outcome.Succeeded) _log.LogInformation("Command {Command} for {Device} from {Source}: done", command, deviceId, source);
        else _log.LogWarning("Command {Command} for {Device} from {Source} not carried out: {Message}", command, deviceId, source, outcome.Message);
        return outcome;
    }

    /// <summary>Null when the command may run (and is now marked running); otherwise the answer to give.</summary>
    private CommandOutcome? Admit(string deviceId, string command, out IDeviceDriver? driver, out DeviceCommandState? state)
    {
        state = null;
        driver = _directory.Find(deviceId);
        if (driver is null)
            return new(CommandVerdict.NotSupported, $"there is no device '{deviceId}'; configured devices: {string.Join(", ", _devices.Keys.Order(StringComparer.Ordinal))}");
        var supported = driver.Commands;
        if (!supported.Contains(command, StringComparer.Ordinal))
            return new(CommandVerdict.NotSupported, supported.Count == 0
                ? $"device '{deviceId}' takes no commands"
                : $"device '{deviceId}' does not support '{command}'; it supports: {string.Join(", ", supported)}");
        if (!IsAllowed(deviceId, command))
            return new(CommandVerdict.Forbidden,
                $"'{command}' cuts power or load and is refused on every path; to allow it, list it under allowed_dangerous_commands of device '{deviceId}' in the configuration");
        var reading = _hub.Get(deviceId)?.Fresh(_time.GetUtcNow()) as UpsReading;
        if (SettingCommands.AlreadyInPlace(command, reading) is { } already)
            return new(CommandVerdict.AlreadySet, already);

        state = _states.GetOrAdd(deviceId, _ => new DeviceCommandState());
        var interval = IntervalOf(deviceId);
        var key = SettingCommands.RateKey(command);
        lock (state.Gate)
        {
            var now = _time.GetTimestamp();
            if (state.Running is { } running)
                return new(CommandVerdict.Busy, $"device '{deviceId}' is still carrying out '{running}'; one command runs at a time, try again when it has finished", TimeSpan.FromSeconds(1));
            if (state.LastWrite.TryGetValue(key, out var write) && write.Command == command && _time.GetElapsedTime(write.At, now) < interval)
                return new(CommandVerdict.AlreadySet, $"'{command}' was written to device '{deviceId}' {Seconds(_time.GetElapsedTime(write.At, now))} ago; the same write is not repeated");
            if (state.LastStart.TryGetValue(key, out var last) && _time.GetElapsedTime(last, now) is var since && since < interval)
            {
                var wait = interval - since;
                var what = key == command ? $"'{command}'" : $"a {key} command";
                return new(CommandVerdict.RateLimited,
                    $"{what} ran on device '{deviceId}' {Seconds(since)} ago and may run once every {Seconds(interval)} (devices[].command_interval); try again in {Seconds(wait)}", wait);
            }
            state.Running = command;
            state.LastStart[key] = now;
        }
        return null;
    }

    private static CommandOutcome Map(string deviceId, string command, DeviceCommandResult r) => r.Status switch
    {
        DeviceCommandStatus.Ok => new(CommandVerdict.Done, r.Message ?? $"device '{deviceId}' carried out '{command}'"),
        DeviceCommandStatus.NotSupported => new(CommandVerdict.NotSupported, r.Message ?? $"device '{deviceId}' does not support '{command}'"),
        DeviceCommandStatus.Unavailable => new(CommandVerdict.Unavailable, r.Message ?? $"device '{deviceId}' is not connected; check its link on /api/health"),
        _ => new(CommandVerdict.Failed, r.Message ?? $"device '{deviceId}' did not carry out '{command}'"),
    };

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString(t < TimeSpan.FromSeconds(10) ? "0.0" : "0", CultureInfo.InvariantCulture) + " s";
}
