using System.Threading.Channels;
using Gateway.Configuration;
using Gateway.Drivers.Readings;
using Gateway.Readings;
using Gateway.Shutdown;
using Gateway.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Hotplug;

/// <summary>
/// Watches for USB add/remove (inotify on /dev/bus/usb, plus a periodic rescan) and keeps the ups.conf section of
/// the local USB UPS current under its stable name: a new or different UPS rewrites the section (atomically,
/// keeping everything else) and restarts the driver; removal stops the driver and marks the device Lost.
/// </summary>
public sealed class UsbHotplugWatcher : BackgroundService
{
    /// <summary>USB enumeration produces a burst of events; scan once it settles.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(700);

    private readonly UsbHotplugOptions _options;
    private readonly IUpsDriverControl _control;
    private readonly ReadingHub _hub;
    private readonly IReadOnlyList<string> _deviceIds;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ICommandExecutor _executor;
    private readonly Channel<bool> _triggers = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private bool? _present;

    /// <param name="deviceIds">Gateway devices (type: nut on this host) that read this UPS; marked Lost on removal.</param>
    /// <param name="executor">Runs nut-scanner (default: the gateway's one process runner).</param>
    public UsbHotplugWatcher(UsbHotplugOptions options, IUpsDriverControl control, ReadingHub hub, IReadOnlyList<string> deviceIds, TimeProvider time, ILogger log,
        ICommandExecutor? executor = null)
    {
        _executor = executor ?? new ProcessCommandExecutor(time);
        _options = options;
        _control = control;
        _hub = hub;
        _deviceIds = deviceIds;
        _time = time;
        _log = log;
    }

    public static IReadOnlyList<string> DevicesReading(GatewayConfig config, string upsName) =>
        config.Devices.OfType<NutDeviceOptions>()
            .Where(d => (d.Host is "localhost" or "::1" || d.Host.StartsWith("127.", StringComparison.Ordinal)) && d.Ups == upsName)
            .Select(d => d.Id).ToArray();

    /// <summary>Scans done so far (for tests and health).</summary>
    public int Scans { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (WhyCannotRewrite(_options.UpsConf) is { } why)
        {
            // The packaged service (user gateway, ProtectSystem=strict) cannot write /etc/nut: say so once and stay off.
            _log.LogWarning("USB hotplug is off: {Why}. To enable it under gateway.service see \"USB hotplug\" in /usr/share/doc/gateway/appliance.md", why);
            return;
        }
        using var watcher = StartWatching();
        var periodic = Periodic(stoppingToken);
        _triggers.Writer.TryWrite(true);
        try
        {
            while (await _triggers.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                await Task.Delay(Debounce, _time, stoppingToken).ConfigureAwait(false);
                while (_triggers.Reader.TryRead(out _)) { }
                try
                {
                    await ScanOnceAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _log.LogError(e, "USB hotplug: scan failed; trying again at the next event or rescan");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
        await periodic.ConfigureAwait(false);
    }

    private FileSystemWatcher? StartWatching()
    {
        if (!Directory.Exists(_options.DevUsb))
        {
            _log.LogInformation("USB hotplug: {Dir} does not exist; relying on the periodic rescan every {Interval}s", _options.DevUsb, _options.ScanInterval.TotalSeconds);
            return null;
        }
        try
        {
            var w = new FileSystemWatcher(_options.DevUsb) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName };
            w.Created += (_, _) => _triggers.Writer.TryWrite(true);
            w.Deleted += (_, _) => _triggers.Writer.TryWrite(true);
            w.Error += (_, e) => _log.LogWarning("USB hotplug: watch error {Error}; the periodic rescan continues", e.GetException().Message);
            w.EnableRaisingEvents = true;
            return w;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            _log.LogWarning("USB hotplug: cannot watch {Dir}: {Error}; relying on the periodic rescan", _options.DevUsb, e.Message);
            return null;
        }
    }

    private async Task Periodic(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.ScanInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false)) _triggers.Writer.TryWrite(true);
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>One scan and whatever it decides. Public for tests.</summary>
    public async Task<HotplugDecision> ScanOnceAsync(CancellationToken ct)
    {
        Scans++;
        var devices = UsbSysfsScanner.Scan(_options.SysfsRoot);
        var text = await AtomicFile.ReadAllTextOrNullAsync(_options.UpsConf, ct).ConfigureAwait(false) ?? "";
        var current = UpsConfEditor.Read(text, _options.Name);
        _present ??= current is not null && devices.Any(d => UsbUpsIdentifier.DriverFor(d) is { } drv && current.Matches(d, drv));
        var decision = HotplugDecider.Decide(_options.Name, current, _present.Value, devices);
        if (decision.Action == HotplugAction.Configure && await NutScannerAsync(ct).ConfigureAwait(false) is { Count: > 0 } scanned)
            decision = HotplugDecider.Decide(_options.Name, current, _present.Value, devices, scanned);

        switch (decision.Action)
        {
            case HotplugAction.Configure:
                _log.LogWarning("USB hotplug: {Reason}", decision.Reason);
                await AtomicFile.WriteAllTextAsync(_options.UpsConf, UpsConfEditor.Write(text, decision.Section!), ct).ConfigureAwait(false);
                await _control.RestartAsync(_options.Name, ct).ConfigureAwait(false);
                _present = true;
                break;
            case HotplugAction.Start:
                _log.LogInformation("USB hotplug: {Reason}", decision.Reason);
                await _control.RestartAsync(_options.Name, ct).ConfigureAwait(false);
                _present = true;
                break;
            case HotplugAction.Stop:
                _log.LogWarning("USB hotplug: {Reason}; stopping its driver", decision.Reason);
                await _control.StopAsync(_options.Name, ct).ConfigureAwait(false);
                foreach (var id in _deviceIds) _hub.ReportLinkState(id, LinkState.Lost, "USB UPS unplugged");
                _present = false;
                break;
        }
        return decision;
    }

    /// <summary>Why this process cannot rewrite <paramref name="upsConf"/> (atomically: a new file beside it), or null when it can.</summary>
    public static string? WhyCannotRewrite(string upsConf)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(upsConf))!;
        var probe = Path.Combine(dir, $".gateway-hotplug-probe-{Environment.ProcessId}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{dir} is not writable by user {Environment.UserName} ({e.Message}), so {upsConf} cannot be rewritten nor its driver restarted";
        }
    }

    /// <summary>vendor:product → driver from <c>nut-scanner -U</c>, or empty when it is not installed or fails.</summary>
    private async Task<IReadOnlyDictionary<string, string>> NutScannerAsync(CancellationToken ct)
    {
        const string path = "/usr/bin/nut-scanner";
        if (!File.Exists(path)) return new Dictionary<string, string>();
        var r = await _executor.RunAsync([path, "-U", "-q"], TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
        if (r.Succeeded) return NutScannerOutput.DriversByUsbId(r.Output);
        _log.LogDebug("USB hotplug: nut-scanner failed: {Result}", r.Describe());
        return new Dictionary<string, string>();
    }
}
