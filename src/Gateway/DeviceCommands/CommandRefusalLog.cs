using System.Globalization;
using Gateway.Readings;

namespace Gateway.DeviceCommands;

/// <summary>
/// Logs and publishes (as a <c>command_refused</c> event) every kind of refusal once, with its source, and then at
/// most once per <see cref="Window"/>: a flood of 3,000 presses becomes two lines (the first refusal and a count),
/// not 3,000 log lines, events and history rows.
/// </summary>
public sealed class CommandRefusalLog : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private sealed class Entry
    {
        public long ReportedAt;
        public int Suppressed;
        public string LastMessage = "";
        public string Command = "";
        public ITimer? Flush;
    }

    private readonly EventBus _events;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Device, string Channel, CommandVerdict Verdict), Entry> _entries = [];

    public CommandRefusalLog(EventBus events, TimeProvider time)
    {
        _events = events;
        _time = time;
    }

    /// <summary>Refusals reported so far (tests wait on it).</summary>
    public int Count => Volatile.Read(ref _count);
    private int _count;

    public void Report(string deviceId, string command, CommandSource source, CommandOutcome outcome)
    {
        Interlocked.Increment(ref _count);
        var key = (deviceId, source.Channel, outcome.Verdict);
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_entries.TryGetValue(key, out var e) && _time.GetElapsedTime(e.ReportedAt, now) < Window)
            {
                e.Suppressed++;
                e.LastMessage = outcome.Message;
                e.Command = command;
                e.Flush ??= _time.CreateTimer(_ => FlushSummary(key), null, Window - _time.GetElapsedTime(e.ReportedAt, now), Timeout.InfiniteTimeSpan);
                return;
            }
            _entries[key] = new Entry { ReportedAt = now };
        }
        Emit(deviceId, command, source.ToString(), outcome.Verdict, $"Refused {command} for {deviceId} from {source}: {outcome.Message}");
    }

    private void FlushSummary((string Device, string Channel, CommandVerdict Verdict) key)
    {
        Entry? e;
        lock (_gate)
        {
            if (!_entries.Remove(key, out e) || e.Suppressed == 0) { e?.Flush?.Dispose(); return; }
            e.Flush?.Dispose();
        }
        var n = e.Suppressed.ToString(CultureInfo.InvariantCulture);
        Emit(key.Device, e.Command, key.Channel, key.Verdict,
            $"Refused {n} more command(s) for {key.Device} from {key.Channel} in the last {Window.TotalSeconds:0} s ({key.Verdict}); the last: {e.LastMessage}");
    }

    private void Emit(string deviceId, string command, string source, CommandVerdict verdict, string message)
    {
        // The event bus logs every event once (as a warning): that is the log line.
        _events.Publish(new GatewayEvent(_time.GetUtcNow(), EventKinds.CommandRefused, EventSeverity.Warning, message, deviceId,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["command"] = command, ["source"] = source, ["reason"] = VerdictName(verdict) }));
    }

    private static string VerdictName(CommandVerdict v) => v switch
    {
        CommandVerdict.Forbidden => "forbidden",
        CommandVerdict.Busy => "busy",
        CommandVerdict.RateLimited => "rate_limited",
        _ => "refused",
    };

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var e in _entries.Values) e.Flush?.Dispose();
            _entries.Clear();
        }
    }
}
