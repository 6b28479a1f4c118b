using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.LiveApply;
using Gateway.Readings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// Runs every device driver and supervises it: a driver that throws (a bug, not a device problem) is logged,
/// its device marked Lost, and it is started again after a pause. A driver loop never dies.
/// Also ages readings: a Connected device whose data is too old becomes Stale. A new device list is applied live
/// (<see cref="ApplyAsync"/>): added devices start, removed ones stop (a serial port closes when its last device goes),
/// changed ones restart, and the others keep running and keep their link.
/// </summary>
public sealed class DeviceRunner : BackgroundService
{
    private sealed class Running(IDeviceDriver driver)
    {
        public IDeviceDriver Driver { get; } = driver;
        public CancellationTokenSource? Stop { get; set; }
        public Task? Task { get; set; }
    }

    private readonly ReadingHub _hub;
    private readonly LoopMonitor _loops;
    private readonly TimeProvider _time;
    private readonly ILogger<DeviceRunner> _log;
    private readonly DeviceDirectory? _directory;
    private readonly SecondTick _tick;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);
    private Dictionary<string, TimeSpan> _pollIntervals;
    private CancellationToken _stopping;
    private bool _started;

    /// <param name="tick">The shared 1 s tick the freshness check runs on (null: one of its own).</param>
    public DeviceRunner(IEnumerable<IDeviceDriver> drivers, ReadingHub hub, LoopMonitor loops, TimeProvider time, ILogger<DeviceRunner> log,
        GatewayConfig? config = null, DeviceDirectory? directory = null, SecondTick? tick = null)
    {
        _tick = tick ?? new SecondTick(time, log);
        _pollIntervals = PollIntervals(config?.Devices ?? []);
        foreach (var d in drivers) _running[d.DeviceId] = new Running(d);
        _hub = hub;
        _loops = loops;
        _time = time;
        _log = log;
        _directory = directory;
    }

    /// <summary>Pause before a crashed driver is started again.</summary>
    public static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(5);

    /// <summary>How long a removed or changed device's driver gets to stop before its replacement starts anyway.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A driver whose device is connected (or stale) must show progress (a request, a timeout, a reconnect…) at least
    /// this often, or its loop counts as hung for the systemd watchdog. A device that is lost or connecting is
    /// waiting in its reconnect backoff (at most 60 s between attempts) and counts as alive.
    /// </summary>
    public static readonly TimeSpan DriverSilenceLimit = TimeSpan.FromMinutes(2);

    private readonly Dictionary<string, long> _progress = new(StringComparer.Ordinal);

    internal static string LoopName(string deviceId) => "driver:" + deviceId;

    private static Dictionary<string, TimeSpan> PollIntervals(IEnumerable<DeviceOptions> devices) =>
        devices.GroupBy(d => d.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().PollInterval, StringComparer.Ordinal);

    /// <summary>The ids of the devices whose drivers run (or will run at start).</summary>
    public IReadOnlyList<string> DeviceIds
    {
        get { lock (_lock) return _running.Keys.Order(StringComparer.Ordinal).ToArray(); }
    }

    /// <summary><see cref="DriverSilenceLimit"/>, or three polls and a minute for a device polled less often.</summary>
    internal TimeSpan SilenceLimitOf(string deviceId) =>
        _pollIntervals.TryGetValue(deviceId, out var poll) && poll * 3 + TimeSpan.FromMinutes(1) > DriverSilenceLimit ? poll * 3 + TimeSpan.FromMinutes(1) : DriverSilenceLimit;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lock (_lock)
        {
            _stopping = stoppingToken;
            _started = true;
            foreach (var r in _running.Values) Start(r);
        }
        try
        {
            await AgeReadings(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            Task[] tasks;
            lock (_lock) tasks = _running.Values.Select(r => r.Task).OfType<Task>().ToArray();
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
    }

    /// <summary>Starts a driver's supervised loop (under the lock, once the runner runs).</summary>
    private void Start(Running r)
    {
        r.Stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        _loops.Register(LoopName(r.Driver.DeviceId), SilenceLimitOf(r.Driver.DeviceId));
        r.Task = Supervise(r.Driver, r.Stop.Token);
    }

    /// <summary>
    /// Applies a new device list: stops the drivers of removed and changed devices (and waits for them, so a serial
    /// port is closed before a replacement opens it), then starts drivers made by <paramref name="create"/> for the
    /// added and changed ones. A removed device disappears from the hub; the others keep their link state.
    /// </summary>
    public async Task ApplyAsync(ConfigChange change, IReadOnlyList<DeviceOptions> devices, Func<DeviceOptions, IDeviceDriver> create, CancellationToken ct)
    {
        var byId = devices.ToDictionary(d => d.Id, StringComparer.Ordinal);
        var stopping = new List<Running>();
        lock (_lock)
        {
            foreach (var id in change.DevicesRemoved.Concat(change.DevicesChanged))
                if (_running.Remove(id, out var r)) stopping.Add(r);
        }
        foreach (var r in stopping)
        {
            var id = r.Driver.DeviceId;
            _log.LogInformation("Device {Device}: {What}; stopping its driver", id, byId.ContainsKey(id) ? "settings changed" : "removed from the configuration");
            if (r.Stop is { } stop)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try { await r.Task!.WaitAsync(StopTimeout, _time, ct).ConfigureAwait(false); }
                catch (TimeoutException) { _log.LogWarning("Device {Device}: the driver did not stop within {Timeout}s; going on without it", id, StopTimeout.TotalSeconds); }
                stop.Dispose();
            }
            _loops.Unregister(LoopName(id));
            lock (_lock) _progress.Remove(id);
            _directory?.Remove(id);
            if (!byId.TryGetValue(id, out var now) || _hub.Get(id) is { } snap && snap.Type != now.Type) _hub.Remove(id);
        }
        _pollIntervals = PollIntervals(devices);
        foreach (var id in change.DevicesAdded.Concat(change.DevicesChanged))
        {
            if (!byId.TryGetValue(id, out var options)) continue;
            var driver = create(options);
            _hub.Register(id, options.Type, DeviceDriverFactory.KindOf(options));
            _directory?.Set(driver);
            _log.LogInformation("Device {Device} ({Type}): starting its driver", id, options.Type);
            lock (_lock)
            {
                var r = new Running(driver);
                _running[id] = r;
                if (_started) Start(r);
            }
        }
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
        try
        {
            using var every = _tick.Subscribe(loop, () =>
            {
                _hub.CheckFreshness();
                CheckDrivers();
                _loops.Beat(loop);
                return Task.CompletedTask;
            });
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
        finally
        {
            _loops.Unregister(loop);
            foreach (var id in DeviceIds) _loops.Unregister(LoopName(id));
        }
    }

    /// <summary>Beats for every driver loop that made progress or is waiting for its device (see <see cref="DriverSilenceLimit"/>).</summary>
    internal void CheckDrivers()
    {
        lock (_lock)
        {
            foreach (var d in _running.Values.Select(r => r.Driver))
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
}
