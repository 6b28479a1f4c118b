using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// Runs every device driver and supervises it: a driver that throws (a bug, not a device problem) is logged,
/// its device marked Lost, and it is started again after a pause. A driver loop never dies.
/// Also ages readings: a Connected device whose data is too old becomes Stale.
/// </summary>
public sealed class DeviceRunner : BackgroundService
{
    private readonly IReadOnlyList<IDeviceDriver> _drivers;
    private readonly ReadingHub _hub;
    private readonly LoopMonitor _loops;
    private readonly TimeProvider _time;
    private readonly ILogger<DeviceRunner> _log;

    public DeviceRunner(IEnumerable<IDeviceDriver> drivers, ReadingHub hub, LoopMonitor loops, TimeProvider time, ILogger<DeviceRunner> log)
    {
        _drivers = drivers.ToArray();
        _hub = hub;
        _loops = loops;
        _time = time;
        _log = log;
    }

    /// <summary>Pause before a crashed driver is started again.</summary>
    public static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tasks = _drivers.Select(d => Supervise(d, stoppingToken)).Append(AgeReadings(stoppingToken));
        return Task.WhenAll(tasks);
    }

    private async Task Supervise(IDeviceDriver driver, CancellationToken ct)
    {
        await Task.Yield();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await driver.RunAsync(_hub, ct).ConfigureAwait(false);
                if (ct.IsCancellationRequested) return;
                _log.LogError("Driver for {Device} returned unexpectedly; restarting in {Delay}s", driver.DeviceId, RestartDelay.TotalSeconds);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _log.LogError(e, "Driver for {Device} failed; restarting in {Delay}s", driver.DeviceId, RestartDelay.TotalSeconds);
            }
            _hub.ReportLinkState(driver.DeviceId, LinkState.Lost, "driver restarting after an internal error");
            try { await Task.Delay(RestartDelay, _time, ct).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    }

    private async Task AgeReadings(CancellationToken ct)
    {
        const string loop = "reading-freshness";
        _loops.Register(loop, TimeSpan.FromSeconds(30));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                _hub.CheckFreshness();
                _loops.Beat(loop);
            }
        }
        catch (OperationCanceledException) { }
        finally { _loops.Unregister(loop); }
    }
}
