using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// Sends WATCHDOG=1 to systemd at half of WatchdogSec, but only while every loop in <see cref="LoopMonitor"/>
/// is alive. Does nothing when not run under systemd with a watchdog.
/// </summary>
public sealed class SystemdWatchdog : BackgroundService
{
    private readonly ISystemdNotifier _notifier;
    private readonly LoopMonitor _loops;
    private readonly TimeProvider _time;
    private readonly ILogger<SystemdWatchdog> _log;

    private readonly TimeSpan? _interval;
    private int _checks;

    /// <summary>How many times the loops were checked (tests wait on it instead of sleeping).</summary>
    internal int Checks => Volatile.Read(ref _checks);

    public SystemdWatchdog(ISystemdNotifier notifier, LoopMonitor loops, TimeProvider time, ILogger<SystemdWatchdog> log)
        : this(notifier, loops, time, log, WatchdogInterval())
    {
    }

    internal SystemdWatchdog(ISystemdNotifier notifier, LoopMonitor loops, TimeProvider time, ILogger<SystemdWatchdog> log, TimeSpan? interval)
    {
        _interval = interval;
        _notifier = notifier;
        _loops = loops;
        _time = time;
        _log = log;
    }

    /// <summary>The interval systemd expects (from WATCHDOG_USEC / WATCHDOG_PID), or null when there is no watchdog.</summary>
    public static TimeSpan? WatchdogInterval()
    {
        var usec = Environment.GetEnvironmentVariable("WATCHDOG_USEC");
        if (!long.TryParse(usec, out var us) || us <= 0) return null;
        var pid = Environment.GetEnvironmentVariable("WATCHDOG_PID");
        if (!string.IsNullOrEmpty(pid) && pid != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)) return null;
        return TimeSpan.FromMicroseconds(us);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_notifier.IsEnabled || _interval is not { } interval) return;
        var period = interval / 2;
        _log.LogInformation("systemd watchdog enabled: feeding every {Period}s while all loops are alive", period.TotalSeconds);
        var wasHealthy = true;
        using var timer = new PeriodicTimer(period, _time);
        do
        {
            var hung = _loops.Hung();
            if (hung.Count == 0)
            {
                _notifier.Notify(new ServiceState("WATCHDOG=1"));
                if (!wasHealthy) _log.LogInformation("All loops alive again; feeding the watchdog");
                wasHealthy = true;
            }
            else if (wasHealthy)
            {
                _log.LogError("Not feeding the systemd watchdog: loop(s) hung: {Loops}", string.Join(", ", hung));
                wasHealthy = false;
            }
            Interlocked.Increment(ref _checks);
        } while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
