using Gateway.Configuration;
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

    private readonly Dictionary<string, TimeSpan> _pollIntervals;

    public DeviceRunner(IEnumerable<IDeviceDriver> drivers, ReadingHub hub, LoopMonitor loops, TimeProvider time, ILogger<DeviceRunner> log,
        GatewayConfig? config = null)
    {
        _pollIntervals = (config?.Devices ?? []).GroupBy(d => d.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().PollInterval, StringComparer.Ordinal);
        _drivers = drivers.ToArray();
        _hub = hub;
        _loops = loops;
        _time = time;
        _log = log;
    }

    /// <summary>Pause before a crashed driver is started again.</summary>
    public static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A driver whose device is connected (or stale) must show progress (a request, a timeout, a reconnect…) at least
    /// this often, or its loop counts as hung for the systemd watchdog. A device that is lost or connecting is
    /// waiting in its reconnect backoff (at most 60 s between attempts) and counts as alive.
    /// </summary>
    public static readonly TimeSpan DriverSilenceLimit = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, long> _progress = new(StringComparer.Ordinal);

    internal static string LoopName(string deviceId) => "driver:" + deviceId;

    /// <summary><see cref="DriverSilenceLimit"/>, or three polls and a minute for a device polled less often.</summary>
    internal TimeSpan SilenceLimitOf(string deviceId) =>
        _pollIntervals.TryGetValue(deviceId, out var poll) && poll * 3 + TimeSpan.FromMinutes(1) > DriverSilenceLimit ? poll * 3 + TimeSpan.FromMinutes(1) : DriverSilenceLimit;

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
        foreach (var d in _drivers) _loops.Register(LoopName(d.DeviceId), SilenceLimitOf(d.DeviceId));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                _hub.CheckFreshness();
                CheckDrivers();
                _loops.Beat(loop);
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            _loops.Unregister(loop);
            foreach (var d in _drivers) _loops.Unregister(LoopName(d.DeviceId));
        }
    }

    /// <summary>Beats for every driver loop that made progress or is waiting for its device (see <see cref="DriverSilenceLimit"/>).</summary>
    internal void CheckDrivers()
    {
        foreach (var d in _drivers)
        {
            var c = d.Counters;
            var progress = c.Requests + c.Timeouts + c.BadFrames + c.BadReadings + c.Reconnects + c.LinkLosses;
            var waiting = _hub.Get(d.DeviceId)?.Link is LinkState.Lost or LinkState.Connecting or null;
            if (_progress.TryGetValue(d.DeviceId, out var last) && last == progress && !waiting) continue;
            _progress[d.DeviceId] = progress;
            _loops.Beat(LoopName(d.DeviceId));
        }
    }
}
