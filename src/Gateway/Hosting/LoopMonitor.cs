using System.Collections.Concurrent;
using Gateway.Drivers.Devices;

namespace Gateway.Hosting;

/// <summary>
/// Knows when every loop that protection depends on last beat: the policy loop, each driver loop, the NUT
/// server's accept loop, the shutdown sequence while it runs, the reading-freshness loop. The systemd watchdog
/// is fed only while all of them are alive, so a hung loop (not just a dead process) leads to a restart.
/// A loop that cannot beat (an accept loop waits for clients) is watched by a condition instead.
/// </summary>
public sealed class LoopMonitor : ILoopHeartbeat
{
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (TimeSpan MaxSilence, long LastBeat)> _loops = new(StringComparer.Ordinal);

    public LoopMonitor(TimeProvider time) => _time = time;

    /// <summary>Registers a loop that must beat at least every <paramref name="maxSilence"/>.</summary>
    public void Register(string loop, TimeSpan maxSilence) => _loops[loop] = (maxSilence, _time.GetTimestamp());

    public void Unregister(string loop)
    {
        _loops.TryRemove(loop, out _);
        _conditions.TryRemove(loop, out _);
    }

    private readonly ConcurrentDictionary<string, Func<bool>> _conditions = new(StringComparer.Ordinal);

    /// <summary>Watches a loop through a condition checked with every <see cref="Hung"/>: false (or a throw) means hung.</summary>
    public void Watch(string loop, Func<bool> alive) => _conditions[loop] = alive;

    /// <summary>Every loop watched, by beat or by condition.</summary>
    public IReadOnlyList<string> Loops => _loops.Keys.Concat(_conditions.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    public void Beat(string loop)
    {
        var now = _time.GetTimestamp();
        _loops.AddOrUpdate(loop, _ => (TimeSpan.FromMinutes(5), now), (_, v) => (v.MaxSilence, now));
    }

    /// <summary>The loops that have been silent for longer than allowed.</summary>
    public IReadOnlyList<string> Hung()
    {
        var now = _time.GetTimestamp();
        return _loops.Where(kv => _time.GetElapsedTime(kv.Value.LastBeat, now) > kv.Value.MaxSilence).Select(kv => kv.Key)
            .Concat(_conditions.Where(kv => !Alive(kv.Value)).Select(kv => kv.Key))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    private static bool Alive(Func<bool> condition)
    {
        try { return condition(); }
        catch (Exception) { return false; }
    }
}
