using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Support;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells the test when the code under test has started to wait: every timer
/// it creates (Task.Delay, CancellationTokenSource timeouts, PeriodicTimer ...) is tracked until it fires or is
/// disposed. A virtual-time test awaits <see cref="WaitForTimerAsync"/> before it advances the clock, so an
/// advance can never happen before the wait it is meant to end was set up (the race a real delay only hides).
/// </summary>
public sealed class SignalingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly List<TrackedTimer> _active = [];

    public SignalingTimeProvider() : this(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)) { }

    /// <summary>The due times (relative, as the code asked for them) of the timers that are waiting now.</summary>
    public IReadOnlyList<TimeSpan> PendingDueTimes
    {
        get { lock (_active) return _active.Select(t => t.DueTime).ToArray(); }
    }

    /// <summary>Waits (in real time) until the code under test waits on a timer of <paramref name="dueTime"/>.</summary>
    public Task WaitForTimerAsync(TimeSpan dueTime, string what, TimeSpan? timeout = null) =>
        Wait.UntilAsync(() => PendingDueTimes.Contains(dueTime), $"{what} (a pending {dueTime.TotalSeconds:0.###} s timer; pending now: {string.Join(", ", PendingDueTimes.Select(d => $"{d.TotalSeconds:0.###} s"))})", timeout);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var tracked = new TrackedTimer(this, dueTime, period);
        lock (_active) if (dueTime != Timeout.InfiniteTimeSpan) _active.Add(tracked);
        tracked.Inner = base.CreateTimer(s => { tracked.Fired(); callback(s); }, state, dueTime, period);
        return tracked;
    }

    private sealed class TrackedTimer(SignalingTimeProvider owner, TimeSpan dueTime, TimeSpan period) : ITimer
    {
        public ITimer Inner { get; set; } = null!;
        public TimeSpan DueTime { get; private set; } = dueTime;
        private TimeSpan _period = period;

        public void Fired()
        {
            if (_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero) Remove();
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Remove();
            DueTime = dueTime;
            _period = period;
            if (dueTime != Timeout.InfiniteTimeSpan) lock (owner._active) owner._active.Add(this);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            Remove();
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Remove();
            return Inner.DisposeAsync();
        }

        private void Remove()
        {
            lock (owner._active) owner._active.Remove(this);
        }
    }
}
