using System.Runtime.InteropServices;
using Gateway.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.LiveApply;

/// <summary>
/// Reads the config file again and applies it when it changes on disk, and on SIGHUP (<c>systemctl reload gateway</c>).
/// The directory is watched (inotify), not the file: editors and the settings API replace the file by renaming a new
/// one over it. Bursts of events are read once, after <see cref="Debounce"/> of quiet. A file with problems is
/// refused with every problem logged (as <c>gateway check-config</c> prints them) and the gateway keeps running on
/// the configuration it has.
/// </summary>
public sealed class ConfigFileWatcher : BackgroundService
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private readonly string? _path;
    private readonly IReadOnlyList<string> _overrides;
    private readonly IConfigApplier _applier;
    private readonly ConfigStatus _status;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _changed = new(0);
    private int _sighup;

    /// <param name="path">The config file the gateway started from; null when it runs on defaults (SIGHUP then says so).</param>
    /// <param name="overrides">The <c>--set</c> overrides, applied again on every read.</param>
    public ConfigFileWatcher(string? path, IReadOnlyList<string> overrides, IConfigApplier applier, ConfigStatus status, TimeProvider time, ILogger<ConfigFileWatcher> log)
    {
        _path = path is null ? null : Path.GetFullPath(path);
        _overrides = overrides;
        _applier = applier;
        _status = status;
        _time = time;
        _log = log;
    }

    /// <summary>How many times the file was read and applied (or refused); for tests.</summary>
    public int Reads { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Without a handler SIGHUP would end the process: `systemctl reload` must never stop protection.
        using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
        {
            ctx.Cancel = true;
            Interlocked.Exchange(ref _sighup, 1);
            _changed.Release();
        });
        using var watcher = StartWatching();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _changed.WaitAsync(stoppingToken).ConfigureAwait(false);
                // A change on disk: wait until the writes stop (an editor's temp file, truncate + write, rename).
                while (Volatile.Read(ref _sighup) == 0)
                {
                    Drain();
                    await Task.Delay(Debounce, _time, stoppingToken).ConfigureAwait(false);
                    if (_changed.CurrentCount == 0) break;
                }
                Drain();
                if (Interlocked.Exchange(ref _sighup, 0) == 1) _log.LogInformation("SIGHUP: reading the configuration again");
                await ReloadAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
    }

    private void Drain()
    {
        while (_changed.Wait(0)) { }
    }

    private FileSystemWatcher? StartWatching()
    {
        if (_path is null) return null;
        var dir = Path.GetDirectoryName(_path)!;
        var name = Path.GetFileName(_path);
        try
        {
            var watcher = new FileSystemWatcher(dir)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            void OnEvent(object? _, FileSystemEventArgs e)
            {
                if (e.Name == name || (e is RenamedEventArgs r && r.OldName == name)) _changed.Release();
            }
            watcher.Changed += OnEvent;
            watcher.Created += OnEvent;
            watcher.Renamed += OnEvent;
            watcher.Deleted += OnEvent;
            watcher.Error += (_, e) => _log.LogWarning("Watching {Dir} for changes of {File} failed ({Reason}); send SIGHUP (systemctl reload gateway) to apply a change",
                dir, name, e.GetException().Message);
            watcher.EnableRaisingEvents = true;
            _log.LogInformation("Watching {Path} for changes (also applied on SIGHUP)", _path);
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            _log.LogWarning("Cannot watch {Dir} for changes ({Reason}); send SIGHUP (systemctl reload gateway) to apply a change of {Path}", dir, e.Message, _path);
            return null;
        }
    }

    /// <summary>Reads the file (with the environment and <c>--set</c> overrides, as at start) and applies it if it is valid.</summary>
    public async Task ReloadAsync(CancellationToken ct)
    {
        Reads++;
        if (_path is null)
        {
            _log.LogWarning("The gateway runs on defaults (no config file was found at start), so there is nothing to read again; start it with --config FILE");
            return;
        }
        if (!File.Exists(_path))
        {
            _log.LogWarning("{Path} is gone; the gateway keeps running on the configuration it has (put the file back to apply changes)", _path);
            return;
        }
        ConfigLoadResult result;
        try
        {
            result = ConfigLoader.Load(_path, _overrides);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogError("Cannot read {Path} ({Reason}); the gateway keeps running on the configuration it has", _path, e.Message);
            return;
        }
        foreach (var w in result.Warnings) _log.LogWarning("{Problem}", w.ToString());
        if (!result.Ok)
        {
            var errors = result.Errors.Select(e => e.ToString()).ToArray();
            foreach (var e in errors) _log.LogError("{Problem}", e);
            _log.LogError("{Count} problem{S} in {Path}; the gateway keeps running on the configuration it has. Fix {Them} and save again (check with: gateway check-config {Path})",
                errors.Length, errors.Length == 1 ? "" : "s", _path, errors.Length == 1 ? "it" : "them", _path);
            _status.RecordFile(_path, errors);
            return;
        }
        _status.RecordFile(_path, []);
        try
        {
            await _applier.ApplyAsync(result.Config! with { SourcePath = _path }, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            _log.LogError(e, "Applying {Path} failed; the gateway keeps running", _path);
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }
}
