using Gateway.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.LiveApply;

/// <summary>
/// A part of the gateway that takes a new configuration by being built again: when a change concerns it, the running
/// instance stops (cleanly, as at a gateway stop) and one built from the new configuration starts. Used for the MQTT
/// session with Home Assistant, the notification channels and the GPIO indicators: parts whose restart loses
/// nothing. <see cref="Current"/> is null while the part is switched off by the configuration.
/// </summary>
public sealed class RebuiltService : IHostedService, ILiveConfigTarget, IDisposable
{
    /// <summary>How long the old instance gets to stop before the new one starts anyway.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<ConfigChange, bool> _concerns;
    private readonly Func<GatewayConfig, IHostedService?> _build;
    private readonly LiveConfig _live;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _one = new(1, 1);
    private bool _started;

    /// <param name="section">The section named in logs and apply results (e.g. "mqtt").</param>
    /// <param name="concerns">Whether a change needs a new instance.</param>
    /// <param name="build">The instance for a configuration, or null when that configuration switches the part off.</param>
    public RebuiltService(string section, Func<ConfigChange, bool> concerns, Func<GatewayConfig, IHostedService?> build, LiveConfig live, ILogger log)
    {
        Section = section;
        _concerns = concerns;
        _build = build;
        _live = live;
        _log = log;
    }

    public string Section { get; }

    public IHostedService? Current { get; private set; }

    /// <summary>How many times a new configuration rebuilt the part.</summary>
    public int Rebuilds { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Current ??= _build(_live.Current);
            if (Current is not null) await Current.StartAsync(cancellationToken).ConfigureAwait(false);
            _started = true;
        }
        finally { _one.Release(); }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _one.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _started = false;
            if (Current is not null) await Current.StopAsync(cancellationToken).ConfigureAwait(false);
        }
        finally { _one.Release(); }
    }

    public async Task ApplyAsync(ConfigChange change, GatewayConfig next, CancellationToken ct)
    {
        if (!_concerns(change)) return;
        await _one.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (Current is { } old)
            {
                if (_started)
                {
                    using var timeout = new CancellationTokenSource(StopTimeout);
                    await old.StopAsync(timeout.Token).ConfigureAwait(false);
                }
                (old as IDisposable)?.Dispose();
            }
            Current = _build(next);
            Rebuilds++;
            _log.LogInformation("{Section}: new settings applied{Off}", Section, Current is null ? " (now off)" : "");
            if (Current is not null && _started) await Current.StartAsync(ct).ConfigureAwait(false);
        }
        finally { _one.Release(); }
    }

    public void Dispose()
    {
        (Current as IDisposable)?.Dispose();
        _one.Dispose();
    }
}
