using Gateway.LiveApply;
using Gateway.Tests.Support;

namespace Gateway.Tests.LiveApply;

/// <summary>The restart that applies settings needing one: through systemd only, never during an outage. Virtual time.</summary>
public sealed class SelfRestartTests : IDisposable
{
    private readonly SignalingTimeProvider _time = new();
    private readonly FakeLifetime _lifetime = new();
    private readonly SettablePolicyStatus _policy = new();
    private readonly ListLogger<SelfRestart> _log = new();
    private int _checks;

    public void Dispose() { }

    private SelfRestart Start(bool underSystemd)
    {
        var restart = new SelfRestart(_lifetime, _policy, _time, _log, underSystemd);
        restart.Checked += () => Interlocked.Increment(ref _checks);
        restart.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return restart;
    }

    private async Task NextCheckAsync(Action? then = null)
    {
        var before = Volatile.Read(ref _checks);
        then?.Invoke();
        await Wait.UntilAsync(() => Volatile.Read(ref _checks) > before, "the next restart check");
    }

    [Fact]
    public async Task Under_systemd_it_waits_for_the_outage_to_end_then_stops_for_systemd_to_start_it_again()
    {
        using var restart = Start(underSystemd: true);
        _policy.OnBattery(_time.GetUtcNow());
        await NextCheckAsync(() => restart.Require(["web.listen: the dashboard keeps listening on the old address until the gateway restarts"]));
        for (var i = 0; i < 5; i++)
        {
            await _time.WaitForTimerAsync(SelfRestart.CheckInterval, "the next check while on battery");
            await NextCheckAsync(() => _time.Advance(SelfRestart.CheckInterval));
        }
        Assert.False(_lifetime.StopRequested);
        Assert.Contains(_log.Lines, l => l.Message.Contains("the power is out or a shutdown is under way", StringComparison.Ordinal));

        _policy.Normal();
        await _time.WaitForTimerAsync(SelfRestart.CheckInterval, "the next check");
        _time.Advance(SelfRestart.CheckInterval);
        await _time.WaitForTimerAsync(SelfRestart.Grace, "the grace before stopping");
        await NextCheckAsync(() => _time.Advance(SelfRestart.Grace));
        Assert.True(_lifetime.StopRequested);
        Assert.True(restart.Restarting);
        Assert.Contains(_log.Lines, l => l.Message.Contains("Restarting in 2s through systemd to apply: web.listen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outside_systemd_it_only_says_that_a_restart_is_needed()
    {
        using var restart = Start(underSystemd: false);
        await NextCheckAsync(() => restart.Require(["gateway.data_dir: the history stays in the old directory until the gateway restarts"]));
        await _time.WaitForTimerAsync(SelfRestart.CheckInterval, "the next check");
        await NextCheckAsync(() => _time.Advance(SelfRestart.CheckInterval));
        Assert.False(_lifetime.StopRequested);
        Assert.False(restart.Restarting);
        Assert.Single(_log.Lines, l => l.Message.Contains("restart the gateway to apply them", StringComparison.Ordinal));
        Assert.True(restart.Automatic is false);
    }

    [Fact]
    public async Task A_setting_changed_back_before_the_restart_cancels_it()
    {
        using var restart = Start(underSystemd: true);
        _policy.OnBattery(_time.GetUtcNow());
        await NextCheckAsync(() => restart.Require(["web.listen: …"]));
        await NextCheckAsync(() => restart.Require([]));
        _policy.Normal();
        await NextCheckAsync(() => restart.Require([]));
        Assert.Empty(_time.PendingDueTimes);
        Assert.False(_lifetime.StopRequested);
    }
}
