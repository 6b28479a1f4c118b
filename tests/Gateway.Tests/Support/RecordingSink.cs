using System.Collections.Concurrent;
using Gateway.Drivers.Readings;

namespace Gateway.Tests.Support;

/// <summary>
/// An <see cref="IReadingSink"/> that remembers everything a driver sent: every reading, every link-state report
/// (<see cref="Reports"/>, repeats included, to count attempts) and the state changes (<see cref="States"/>,
/// repeats dropped, as the real hub does). A reading makes the device Connected, as the interface says.
/// </summary>
public sealed class RecordingSink(TimeProvider? time = null) : IReadingSink
{
    public readonly record struct StateReport(LinkState State, string? Reason, DateTimeOffset At);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentQueue<Reading> _readings = new();
    private readonly ConcurrentQueue<StateReport> _reports = new();
    private readonly List<StateReport> _states = [];

    public IReadOnlyList<Reading> Readings => _readings.ToArray();
    public IReadOnlyList<StateReport> Reports => _reports.ToArray();
    public IReadOnlyList<StateReport> States { get { lock (_states) return _states.ToArray(); } }
    public LinkState? Current { get { lock (_states) return _states.Count == 0 ? null : _states[^1].State; } }
    public T? Latest<T>() where T : Reading => _readings.OfType<T>().LastOrDefault();

    public void Publish(Reading reading)
    {
        _readings.Enqueue(reading);
        Change(new StateReport(LinkState.Connected, null, _time.GetUtcNow()));
    }

    public void ReportLinkState(string deviceId, LinkState state, string? reason = null)
    {
        var report = new StateReport(state, reason, _time.GetUtcNow());
        _reports.Enqueue(report);
        Change(report);
    }

    private void Change(StateReport report)
    {
        lock (_states)
            if (_states.Count == 0 || _states[^1].State != report.State) _states.Add(report);
    }

    /// <summary>The name older tests use for <see cref="Wait.UntilAsync(Func{bool}, string, TimeSpan?)"/>.</summary>
    public static Task WaitUntil(Func<bool> condition, TimeSpan timeout, string what) => Wait.UntilAsync(condition, what, timeout);
}
