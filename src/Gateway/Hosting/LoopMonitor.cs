using System.Collections.Concurrent;
using Gateway.Drivers.Devices;

namespace Gateway.Hosting;

/// <summary>
/// Knows when every long-running loop last beat. The systemd watchdog is fed only while all of them are
/// alive, so a hung loop (not just a dead process) leads to a restart.
/// </summary>
public sealed class LoopMonitor : ILoopHeartbeat
{
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (TimeSpan MaxSilence, long LastBeat)> _loops = new(StringComparer.Ordinal);

    public LoopMonitor(TimeProvider time) => _time = time;

    /// <summary>Registers a loop that must beat at least every <paramref name="maxSilence"/>.</summary>
    public void Register(string loop, TimeSpan maxSilence) => _loops[loop] = (maxSilence, _time.GetTimestamp());

    public void Unregister(string loop) => _loops.TryRemove(loop, out _);

    public void Beat(string loop)
    {
        var now = _time.GetTimestamp();
        _loops.AddOrUpdate(loop, _ => (TimeSpan.FromMinutes(5), now), (_, v) => (v.MaxSilence, now));
    }

    /// <summary>The loops that have been silent for longer than allowed.</summary>
    public IReadOnlyList<string> Hung()
    {
        var now = _time.GetTimestamp();
        return _loops.Where(kv => _time.GetElapsedTime(kv.Value.LastBeat, now) > kv.Value.MaxSilence).Select(kv => kv.Key).Order(StringComparer.Ordinal).ToArray();
    }
}
