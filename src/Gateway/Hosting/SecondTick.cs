using Gateway.Drivers.Threading;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// One 1 s timer shared by the periodic work that needs no phase of its own: the policy's clock tick
/// (<see cref="Gateway.Policy.PolicyRunner"/>), reading freshness and driver liveness (<see cref="DeviceRunner"/>) and
/// Home Assistant's periodic publish. Every timer firing wakes the runtime's timer thread and a pool thread, so two 1 s
/// timers at their own phases cost twice what one costs. The timer runs only while something is subscribed.
/// The policy's work only signals its own loop, so it waits for no other subscriber's work.
/// <para>
/// On the real clock the tick is its own thread, asleep until the next second: one wake-up a second. A .NET timer costs
/// about three (the runtime's timer thread fires it, hands the callback to the thread pool, and is woken again to re-arm)
/// plus the pool's dispatch, which wakes two or three pool threads. The subscribers' work starts on that thread, so a
/// subscriber must not block: one that did would hold every tick (the policy has its own fallback, see
/// <see cref="Gateway.Policy.PolicyRunner"/>). On any other <see cref="TimeProvider"/> (tests' virtual time) the tick is
/// a timer of that provider.
/// </para>
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
    private TickThread? _thread;

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
            if (_time == TimeProvider.System) _thread ??= new TickThread(this);
            else _timer ??= _time.CreateTimer(_ => Tick(), null, Interval, Interval);
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
            _thread?.Stop();
            _thread = null;
        }
    }

    /// <summary>The tick on the real clock: a background thread that sleeps until each next second and runs the subscribers.</summary>
    private sealed class TickThread
    {
        private readonly SecondTick _owner;
        private readonly WakeSignal _wake = new();
        private volatile bool _stopped;

        public TickThread(SecondTick owner)
        {
            _owner = owner;
            new Thread(Run) { IsBackground = true, Name = "tick" }.Start();
        }

        /// <summary>Ends the thread (it does not wait: this may run on the thread itself, from a subscriber's work).</summary>
        public void Stop()
        {
            _stopped = true;
            _wake.Set();
        }

        private void Run()
        {
            var interval = (long)(Interval.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            var next = System.Diagnostics.Stopwatch.GetTimestamp() + interval;
            while (!_stopped)
            {
                var now = System.Diagnostics.Stopwatch.GetTimestamp();
                if (now < next)
                {
                    _wake.Wait(TimeSpan.FromSeconds((double)(next - now) / System.Diagnostics.Stopwatch.Frequency));
                    continue;
                }
                _owner.Tick();
                next += interval;
                // Ticks missed (a suspended machine, a subscriber that took over a second) are skipped, as a timer skips them.
                now = System.Diagnostics.Stopwatch.GetTimestamp();
                if (next <= now) next = now + interval;
            }
            _wake.Dispose();
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
