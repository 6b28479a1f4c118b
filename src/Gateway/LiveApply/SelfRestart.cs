using Gateway.Policy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.LiveApply;

/// <summary>
/// Restarts the gateway when an applied configuration has settings that only a restart takes (see
/// <see cref="ConfigDiff.RestartReasons"/>). Under systemd the process stops with
/// <see cref="Commands.ExitCodes.RestartRequested"/> and the unit starts it again (the service user may not run
/// <c>systemctl restart</c>, but it may always exit); never while the power is out or a shutdown is under way: it
/// waits until the policy is back to normal. Outside systemd it only says that a restart is needed.
/// </summary>
public sealed class SelfRestart : BackgroundService
{
    /// <summary>Time for the answer to the settings page to leave before the process stops.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly IHostApplicationLifetime _lifetime;
    private readonly IPolicyStatusSource _policy;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly bool _underSystemd;
    private readonly SemaphoreSlim _signal = new(0);
    private IReadOnlyList<string> _pending = [];
    private string? _announced;
    private bool _waitingForPower;

    public SelfRestart(IHostApplicationLifetime lifetime, IPolicyStatusSource policy, TimeProvider time, ILogger<SelfRestart> log, bool underSystemd)
    {
        _lifetime = lifetime;
        _policy = policy;
        _time = time;
        _log = log;
        _underSystemd = underSystemd;
    }

    /// <summary>The settings waiting for a restart, one sentence each (empty when none).</summary>
    public IReadOnlyList<string> Pending => Volatile.Read(ref _pending);

    /// <summary>Whether the gateway restarts by itself (it runs under systemd).</summary>
    public bool Automatic => _underSystemd;

    /// <summary>True once the process is stopping to restart: <c>gateway run</c> then exits with <see cref="Commands.ExitCodes.RestartRequested"/>.</summary>
    public bool Restarting { get; private set; }

    /// <summary>Raised after every check (for tests that wait on the decision).</summary>
    public event Action? Checked;

    /// <summary>Sets what needs a restart now (an apply compares with what the process started with, so this replaces, not adds).</summary>
    public void Require(IReadOnlyList<string> reasons)
    {
        Volatile.Write(ref _pending, reasons.ToArray());
        _signal.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            Task? signalled = null;
            while (!stoppingToken.IsCancellationRequested)
            {
                signalled ??= _signal.WaitAsync(stoppingToken);
                if (Pending.Count > 0)
                {
                    using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                    var delay = Task.Delay(CheckInterval, _time, tick.Token);
                    if (await Task.WhenAny(signalled, delay).ConfigureAwait(false) == signalled) await tick.CancelAsync().ConfigureAwait(false);
                    stoppingToken.ThrowIfCancellationRequested();
                }
                else
                {
                    await signalled.ConfigureAwait(false);
                }
                if (signalled.IsCompleted) signalled = null;
                if (await CheckAsync(stoppingToken).ConfigureAwait(false)) return;
            }
        }
        catch (OperationCanceledException) { }
    }

    private async Task<bool> CheckAsync(CancellationToken ct)
    {
        try
        {
            var pending = Pending;
            if (pending.Count == 0)
            {
                _announced = null;
                return false;
            }
            var text = string.Join("; ", pending);
            if (!_underSystemd)
            {
                if (_announced != text)
                    _log.LogWarning("The configuration was applied, but some settings take effect only after a restart (restart the gateway to apply them): {Reasons}", text);
                _announced = text;
                return false;
            }
            var policy = _policy.Current;
            if (policy.State != PolicyState.Normal || policy.OnBatterySince is not null)
            {
                if (!_waitingForPower)
                    _log.LogWarning("A restart is needed to apply the configuration ({Reasons}), but the power is out or a shutdown is under way ({State}): restarting once the policy is back to normal",
                        text, PolicyStatus.StateName(policy.State));
                _waitingForPower = true;
                return false;
            }
            _waitingForPower = false;
            _log.LogWarning("Restarting in {Grace:0}s through systemd to apply: {Reasons}", Grace.TotalSeconds, text);
            await Task.Delay(Grace, _time, ct).ConfigureAwait(false);
            if (Pending.Count == 0 || _policy.Current.State != PolicyState.Normal || _policy.Current.OnBatterySince is not null) return false;
            Restarting = true;
            _lifetime.StopApplication();
            return true;
        }
        finally
        {
            Checked?.Invoke();
        }
    }

    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }
}
