using Gateway.Drivers.Devices;
using Gateway.Drivers.Readings;
using Gateway.Drivers.Serial;
using Microsoft.Extensions.Logging;

namespace Gateway.Drivers.Nut;

/// <summary>
/// <c>type: nut</c>: a UPS served by another NUT server. One persistent connection; <c>LIST VAR</c> every poll
/// (which also keeps the connection under upsd's 60 s idle cut-off, since polls are at most 50 s apart).
/// DATA-STALE / DRIVER-NOT-CONNECTED make the device Stale and keep the connection; a lost connection makes it
/// Lost and reconnects with backoff; UNKNOWN-UPS / ACCESS-DENIED are logged once as configuration errors.
/// </summary>
public sealed class NutDeviceDriver : IDeviceDriver
{
    private readonly NutDriverSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _io = new(1, 1);
    /// <summary>Reconnect delays: doubling from 1 s up to <see cref="MaxReconnectDelay"/>; configuration errors wait the maximum at once.</summary>
    private readonly ReconnectBackoff _backoff = new(jitter: 0, initial: TimeSpan.FromSeconds(1), max: MaxReconnectDelay, factor: 2);

    public static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);
    private NutClient? _client;
    private volatile string[] _commands = [];
    private bool _commandsLoaded;
    private string? _lastProblem;
    private bool _wasConnected;

    public NutDeviceDriver(NutDriverSettings settings, TimeProvider time, ILogger log)
    {
        _settings = settings;
        _time = time;
        _log = log;
    }

    public string DeviceId => _settings.DeviceId;
    public DeviceKind Kind => DeviceKind.Ups;
    public DriverCounters Counters { get; } = new();
    public IReadOnlyList<string> Commands => _commands;

    private bool HasCredentials => _settings.Username is not null && _settings.Password is not null;

    public async Task RunAsync(IReadingSink sink, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var wait = await PollOnceAsync(sink, cancellationToken).ConfigureAwait(false);
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { }
        finally
        {
            await CloseAsync(logout: true).ConfigureAwait(false);
        }
    }

    /// <summary>One poll: connect if needed, LIST VAR, publish. Returns how long to wait before the next one.</summary>
    public async Task<TimeSpan> PollOnceAsync(IReadingSink sink, CancellationToken ct)
    {
        try
        {
            IReadOnlyDictionary<string, string> vars;
            await _io.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                var client = await EnsureConnectedAsync(ct).ConfigureAwait(false);
                Counters.CountRequest();
                vars = await client.ListVariablesAsync(_settings.Ups, ct).ConfigureAwait(false);
                if (!_commandsLoaded && HasCredentials) await LoadCommandsAsync(client, ct).ConfigureAwait(false);
            }
            finally
            {
                _io.Release();
            }
            sink.Publish(ToReading(vars));
            if (_lastProblem is not null) _log.LogInformation("NUT device {Device}: {Endpoint} answers again", DeviceId, _settings.Endpoint);
            _lastProblem = null;
            _wasConnected = true;
            _backoff.Reset();
            return _settings.PollInterval;
        }
        catch (NutException e) when (e.Kind == NutErrorKind.Stale)
        {
            Report(sink, LinkState.Stale, e, LogLevel.Warning,
                e.ErrorWord == NutErrors.DataStale ? "the NUT server says its data is stale (its driver gets no updates from the UPS)" : "the NUT server's driver is not connected to the UPS");
            return _settings.PollInterval;
        }
        catch (NutException e) when (e.Kind is NutErrorKind.Configuration or NutErrorKind.Authentication)
        {
            var hint = e.ErrorWord switch
            {
                NutErrors.UnknownUps => $"the server has no UPS named '{_settings.Ups}' (check 'ups:' against 'upsc -l {_settings.Host}')",
                NutErrors.AccessDenied => "access denied (check username/password against upsd.users, or the server's allowlist)",
                _ => e.Message,
            };
            Report(sink, LinkState.Lost, e, LogLevel.Error, "configuration error: " + hint);
            await CloseAsync(logout: true).ConfigureAwait(false);
            return _backoff.NextAtMax();
        }
        catch (NutException e)
        {
            if (_wasConnected)
            {
                Counters.CountLinkLoss();
                _wasConnected = false;
            }
            if (e.Message.Contains("did not answer", StringComparison.Ordinal)) Counters.CountTimeout();
            if (e.Kind == NutErrorKind.Protocol) Counters.CountBadFrame();
            Report(sink, LinkState.Lost, e, LogLevel.Warning, e.Message);
            await CloseAsync(logout: false).ConfigureAwait(false);
            return _backoff.Next();
        }
    }

    private void Report(IReadingSink sink, LinkState state, NutException e, LogLevel level, string reason)
    {
        sink.ReportLinkState(DeviceId, state, reason);
        if (_lastProblem == reason) return;
        _lastProblem = reason;
        _log.Log(level, "NUT device {Device} ({Endpoint}): {Reason}", DeviceId, _settings.Endpoint, reason);
        _log.LogDebug(e, "NUT device {Device} failure detail", DeviceId);
    }

    private async Task<NutClient> EnsureConnectedAsync(CancellationToken ct)
    {
        if (_client is { IsBroken: false } c) return c;
        await CloseAsync(logout: false).ConfigureAwait(false);
        var client = await NutClient.ConnectAsync(_settings.Host, _settings.Port, _settings.Timeout, _time, ct).ConfigureAwait(false);
        try
        {
            if (_settings.Tls is { } tls) await client.StartTlsAsync(_settings.Host, tls, ct).ConfigureAwait(false);
            if (HasCredentials) await client.AuthenticateAsync(_settings.Username!, _settings.Password!, ct).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        if (Counters.LinkLosses > 0) Counters.CountReconnect();
        _client = client;
        _commandsLoaded = false;
        return client;
    }

    private async Task LoadCommandsAsync(NutClient client, CancellationToken ct)
    {
        try
        {
            _commands = [.. await client.ListCommandsAsync(_settings.Ups, ct).ConfigureAwait(false)];
            _commandsLoaded = true;
        }
        catch (NutException e) when (e.Kind is NutErrorKind.Stale or NutErrorKind.Configuration or NutErrorKind.Authentication)
        {
            _log.LogDebug("NUT device {Device}: LIST CMD failed ({Error}); will retry", DeviceId, e.ErrorWord);
        }
    }

    private UpsReading ToReading(IReadOnlyDictionary<string, string> vars)
    {
        var unknown = new List<string>();
        var status = UpsStatus.Parse(vars.TryGetValue(NutNames.UpsStatus, out var s) ? s : null, unknown);
        if (unknown.Count > 0) _log.LogDebug("NUT device {Device}: dropped non-standard status flags {Flags}", DeviceId, string.Join(' ', unknown));
        var maxAge = _settings.PollInterval * 3 + _settings.Timeout;
        return new UpsReading(DeviceId, _time.GetUtcNow(), maxAge, status, vars);
    }

    public async Task<DeviceCommandResult> ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        if (!HasCredentials) return DeviceCommandResult.Failed("instant commands need username and password in this device's config");
        if (!_commands.Contains(command, StringComparer.Ordinal)) return DeviceCommandResult.NotSupported(command);
        await _io.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is not { IsBroken: false } client) return DeviceCommandResult.Unavailable($"not connected to {_settings.Endpoint}");
            Counters.CountRequest();
            await client.InstantCommandAsync(_settings.Ups, command, cancellationToken).ConfigureAwait(false);
            _log.LogInformation("NUT device {Device}: instant command {Command} accepted by {Endpoint}", DeviceId, command, _settings.Endpoint);
            return DeviceCommandResult.Ok();
        }
        catch (NutException e)
        {
            _log.LogWarning("NUT device {Device}: instant command {Command} failed: {Error}", DeviceId, command, e.Message);
            return e.Kind switch
            {
                NutErrorKind.Configuration when e.ErrorWord == NutErrors.CmdNotSupported => DeviceCommandResult.NotSupported(command),
                NutErrorKind.Stale or NutErrorKind.Connection => DeviceCommandResult.Unavailable(e.Message),
                NutErrorKind.Authentication => DeviceCommandResult.Failed($"the NUT server denied '{command}' to user '{_settings.Username}' (instcmds in upsd.users)"),
                _ => DeviceCommandResult.Failed(e.Message),
            };
        }
        finally
        {
            _io.Release();
        }
    }

    private async Task CloseAsync(bool logout)
    {
        var c = _client;
        _client = null;
        if (c is null) return;
        if (logout && !c.IsBroken)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(1), _time);
            await c.LogoutAsync(cts.Token).ConfigureAwait(false);
        }
        await c.DisposeAsync().ConfigureAwait(false);
    }
}
