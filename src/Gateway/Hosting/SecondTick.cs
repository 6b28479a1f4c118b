using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// One 1 s timer shared by the periodic work that needs no phase of its own: the policy's clock tick
/// (<see cref="Gateway.Policy.PolicyRunner"/>), reading freshness and driver liveness (<see cref="DeviceRunner"/>) and
/// Home Assistant's periodic publish. Every timer firing wakes the runtime's timer thread and a pool thread, so two 1 s
/// timers at their own phases cost twice what one costs. The timer runs only while something is subscribed.
/// The policy's work only signals its own loop, so it waits for no other subscriber's work; a subscriber that blocked
/// the timer's thread would already stop every timer of the process, a separate 1 s timer included.
/// </summary>
public sealed class SecondTick
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private sealed class Subscriber(string name, Func<Task> work)
    {
        public string Name { get; } = name;
        public Func<Task> Work { get; } = work;
        /// <summary>The work's last run while it has not finished: a slow one skips ticks and delays no other.</summary>
        public Task? Running { get; set; }
    }

    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private Subscriber[] _subscribers = [];
    private ITimer? _timer;

    public SecondTick(TimeProvider time, ILogger log)
    {
        _time = time;
        _log = log;
    }

    /// <summary>Runs <paramref name="work"/> every second until the returned handle is disposed; a failure is logged and the work runs again at the next tick.</summary>
    public IDisposable Subscribe(string name, Func<Task> work)
    {
        var s = new Subscriber(name, work);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, s];
            _timer ??= _time.CreateTimer(_ => Tick(), null, Interval, Interval);
        }
        return new Unsubscriber(this, s);
    }

    private void Tick()
    {
        foreach (var s in Volatile.Read(ref _subscribers))
        {
            if (s.Running is { IsCompleted: false }) continue;
            Task run;
            try { run = s.Work(); }
            catch (Exception e)
            {
                _log.LogError(e, "The 1 s {Name} work failed; it runs again at the next tick", s.Name);
                continue;
            }
            if (run.IsCompleted)
            {
                if (run.IsFaulted) _log.LogError(run.Exception, "The 1 s {Name} work failed; it runs again at the next tick", s.Name);
                s.Running = null;
                continue;
            }
            s.Running = run.ContinueWith(t =>
            {
                if (t.IsFaulted) _log.LogError(t.Exception, "The 1 s {Name} work failed; it runs again at the next tick", s.Name);
            }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void Remove(Subscriber s)
    {
        lock (_gate)
        {
            _subscribers = _subscribers.Where(x => !ReferenceEquals(x, s)).ToArray();
            if (_subscribers.Length > 0) return;
            _timer?.Dispose();
            _timer = null;
        }
    }

    private sealed class Unsubscriber(SecondTick owner, Subscriber s) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) owner.Remove(s);
        }
    }
}
