using Gateway.Configuration;
using Gateway.Shutdown;
using Gateway.Shutdown.Steps;
using Gateway.Tests.Shutdown;
using Gateway.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Outage;

/// <summary>Verified shutdown against a real sshd: the step ends when the host's SSH port stops answering.</summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class VerifiedShutdownTests : IAsyncLifetime
{
    private readonly SshServerFixture _sshd = new();

    public Task InitializeAsync() => _sshd.InitializeAsync();
    public Task DisposeAsync() => _sshd.DisposeAsync();

    private RemoteHostOptions Host(string command, TimeSpan verifyDown)
    {
        var knownHosts = Path.Combine(_sshd.Dir, "known_hosts");
        File.WriteAllText(knownHosts, _sshd.KnownHostsLine(_sshd.HostKey) + "\n");
        return new RemoteHostOptions("nas", "127.0.0.1", _sshd.Port, _sshd.User, _sshd.ClientKey, knownHosts, command, TimeSpan.FromSeconds(20)) { VerifyDown = verifyDown };
    }

    private static Task<StepReport> Run(RemoteHostOptions o) =>
        new SshHostStep(o).RunAsync(new ShutdownStepContext(false, new ProcessCommandExecutor(TimeProvider.System), TimeProvider.System, NullLogger.Instance, "test"), CancellationToken.None);

    [Fact]
    public async Task The_step_waits_until_the_host_stops_answering_and_says_how_long_it_took()
    {
        var pidFile = Path.Combine(_sshd.Dir, "sshd.pid");
        Assert.True(File.Exists(pidFile), "sshd writes its pid file");
        // The "poweroff" returns at once; the server goes away two seconds later, like a host stopping its services.
        var report = await Run(Host($"nohup sh -c 'sleep 2; kill $(cat {pidFile})' >/dev/null 2>&1 &", TimeSpan.FromSeconds(30)));

        Assert.True(report.Outcome == ShutdownOutcomes.Ok, report.Detail);
        var match = System.Text.RegularExpressions.Regex.Match(report.Detail, @"down after (\d+\.\d)s \(port \d+ no longer answers\)");
        Assert.True(match.Success, report.Detail);
        Assert.InRange(double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1.0, 25);
        Assert.False(await HostDownWait.AnswersAsync("127.0.0.1", _sshd.Port, TimeProvider.System, CancellationToken.None));
    }

    [Fact]
    public async Task A_host_that_stays_up_is_a_timeout_after_verify_down()
    {
        var started = DateTime.UtcNow;
        var report = await Run(Host("true", TimeSpan.FromSeconds(3)));
        Assert.Equal(ShutdownOutcomes.Timeout, report.Outcome);
        Assert.Contains($"still answering on port {_sshd.Port} after verify_down 3s", report.Detail);
        // It waited for verify_down (no upper bound on a shared machine: the outcome says it gave up).
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(2), $"gave up after {(DateTime.UtcNow - started).TotalSeconds:0.0} s, before verify_down 3s");
    }

    [Fact]
    public void Verify_down_is_configurable_and_on_by_default()
    {
        var o = TestConfig.Load("""
            shutdown:
              remote_hosts:
                - { name: a, host: 127.0.0.1, user: u, key_file: /k, command: poweroff }
                - { name: b, host: 127.0.0.1, user: u, key_file: /k, command: poweroff, verify_down: 0s }
            """).Shutdown;
        Assert.Equal(TimeSpan.FromMinutes(2), o.RemoteHosts[0].VerifyDown);
        Assert.Equal(TimeSpan.Zero, o.RemoteHosts[1].VerifyDown);
        Assert.Equal(TimeSpan.FromSeconds(20) + TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(5), new SshHostStep(o.RemoteHosts[0]).Budget);
    }
}
