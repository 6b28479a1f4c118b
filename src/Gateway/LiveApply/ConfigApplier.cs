using Gateway.Configuration;
using Microsoft.Extensions.Logging;

namespace Gateway.LiveApply;

/// <summary>
/// Applies a validated configuration to the running gateway: compares it with the current one, tells every
/// <see cref="ILiveConfigTarget"/>, and hands what only a restart takes to <see cref="SelfRestart"/>. One apply at a
/// time; once started an apply runs to its end (a caller that gives up does not leave half a configuration behind).
/// </summary>
public sealed class ConfigApplier : IConfigApplier
{
    private readonly LiveConfig _live;
    private readonly IReadOnlyList<ILiveConfigTarget> _targets;
    private readonly SelfRestart _restart;
    private readonly ConfigStatus _status;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly List<string> _failedLive = [];
    private readonly Func<GatewayConfig, GatewayConfig>? _adjust;

    /// <param name="adjust">Turns a configuration into the one the gateway runs (demo mode: its devices and the dry run).</param>
    public ConfigApplier(LiveConfig live, IEnumerable<ILiveConfigTarget> targets, SelfRestart restart, ConfigStatus status, ILogger<ConfigApplier> log,
        Func<GatewayConfig, GatewayConfig>? adjust = null)
    {
        _adjust = adjust;
        _live = live;
        _targets = targets.ToArray();
        _restart = restart;
        _status = status;
        _log = log;
    }

    public async Task<ConfigApplyResult> ApplyAsync(GatewayConfig next, CancellationToken ct)
    {
        await _one.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_adjust is not null) next = _adjust(next);
            var change = ConfigDiff.Compare(_live.Current, next);
            var applied = new List<string>();
            if (!change.IsEmpty)
            {
                var failed = new HashSet<string>(StringComparer.Ordinal);
                foreach (var target in _targets)
                {
                    try
                    {
                        await target.ApplyAsync(change, next, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        _log.LogError(e, "Could not apply the new {Section} settings live; they take effect when the gateway restarts", target.Section);
                        failed.Add(target.Section);
                        _failedLive.Add($"{target.Section}: could not be applied live ({e.Message}); it takes effect when the gateway restarts");
                    }
                }
                applied.AddRange(ConfigDiff.LiveSections(change).Where(s => !failed.Contains(s)));
            }
            var restart = ConfigDiff.RestartReasons(_live.Boot, next).Concat(_failedLive).ToArray();
            _restart.Require(restart);
            // The status first, the new version last: whoever sees the new version also sees what it applied.
            if (!change.IsEmpty)
            {
                _status.RecordApplied(applied);
                _live.Set(next);
            }
            if (change.IsEmpty)
                _log.LogInformation("Configuration unchanged; nothing to apply");
            else
                _log.LogInformation("Configuration applied: changed {Changed}; live: {Live}{Restart}",
                    string.Join(", ", change.Sections.Order(StringComparer.Ordinal)), applied.Count == 0 ? "nothing" : string.Join(", ", applied),
                    restart.Length == 0 ? "" : "; needs a restart: " + string.Join("; ", restart));
            return new ConfigApplyResult(applied, restart);
        }
        finally
        {
            _one.Release();
        }
    }
}
