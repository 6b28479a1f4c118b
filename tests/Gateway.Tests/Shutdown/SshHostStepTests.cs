using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.Configuration;
using Gateway.Shutdown;
using Gateway.Shutdown.Steps;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Tests.Shutdown;

/// <summary>The SSH step against a real OpenSSH server: key auth, host key checked against known_hosts.</summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class SshHostStepTests(SshServerFixture sshd) : IClassFixture<SshServerFixture>
{
    private string Marker => Path.Combine(sshd.Dir, $"marker-{Guid.NewGuid():N}");

    private string KnownHosts(params string[] lines)
    {
        var p = Path.Combine(sshd.Dir, $"known_hosts-{Guid.NewGuid():N}");
        File.WriteAllLines(p, lines);
        return p;
    }

    private RemoteHostOptions Host(string knownHosts, string command, int? port = null, double timeoutSeconds = 20) =>
        new("nas", "127.0.0.1", port ?? sshd.Port, sshd.User, sshd.ClientKey, knownHosts, command, TimeSpan.FromSeconds(timeoutSeconds)) { VerifyDown = TimeSpan.Zero };

    private static Task<StepReport> Run(RemoteHostOptions o, bool dryRun = false) =>
        new SshHostStep(o).RunAsync(new ShutdownStepContext(dryRun, new ProcessCommandExecutor(TimeProvider.System), TimeProvider.System, NullLogger.Instance, "test"), CancellationToken.None);

    [Fact]
    public async Task The_command_runs_with_a_good_known_hosts_file()
    {
        var marker = Marker;
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), $"touch {marker} && echo done"));
        Assert.True(report.Outcome == ShutdownOutcomes.Ok, report.Detail);
        Assert.True(File.Exists(marker));
        Assert.Contains("exit 0: done", report.Detail);
        Assert.Contains("SHA256:", report.Detail);
    }

    [Fact]
    public async Task A_hashed_known_hosts_from_ssh_keyscan_is_accepted()
    {
        var scan = Process.Start(new ProcessStartInfo("ssh-keyscan", ["-H", "-t", "ed25519", "-p", sshd.Port.ToString(), "127.0.0.1"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var lines = await scan.StandardOutput.ReadToEndAsync();
        await scan.WaitForExitAsync();
        Assert.StartsWith("|1|", lines.Trim());
        var marker = Marker;
        var report = await Run(Host(KnownHosts(lines.Trim()), $"touch {marker}"));
        Assert.True(report.Outcome == ShutdownOutcomes.Ok, report.Detail);
        Assert.True(File.Exists(marker));
    }

    [Fact]
    public async Task A_command_that_fails_on_the_host_is_a_failed_step()
    {
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), "echo nope >&2; exit 3"));
        Assert.Equal(ShutdownOutcomes.Failed, report.Outcome);
        Assert.Contains("exit 3", report.Detail);
        Assert.Contains("nope", report.Detail);
    }

    [Fact]
    public async Task A_changed_host_key_is_refused_and_reported()
    {
        var marker = Marker;
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.OtherHostKey)), $"touch {marker}"));
        Assert.Equal(ShutdownOutcomes.Failed, report.Outcome);
        Assert.Contains("HOST KEY CHANGED", report.Detail);
        Assert.Contains("refusing", report.Detail);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task An_unknown_host_is_refused_and_reported()
    {
        var marker = Marker;
        var report = await Run(Host(KnownHosts("# empty", "[10.9.9.9]:22 " + string.Join(' ', File.ReadAllText(sshd.HostKey + ".pub").Split(' ')[..2])), $"touch {marker}"));
        Assert.Equal(ShutdownOutcomes.Failed, report.Outcome);
        Assert.Contains("is not in", report.Detail);
        Assert.Contains("ssh-keyscan -p", report.Detail);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Dry_run_connects_and_verifies_without_running_the_command()
    {
        var marker = Marker;
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), $"touch {marker}"), dryRun: true);
        Assert.Equal(ShutdownOutcomes.DryRun, report.Outcome);
        Assert.StartsWith("[DRY-RUN] would run on", report.Detail);
        Assert.Contains("verified", report.Detail);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Dry_run_still_reports_a_bad_host_key()
    {
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.OtherHostKey)), "true"), dryRun: true);
        Assert.Equal(ShutdownOutcomes.Failed, report.Outcome);
        Assert.Contains("HOST KEY CHANGED", report.Detail);
    }

    [Fact]
    public async Task A_wrong_client_key_is_reported()
    {
        var o = Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), "true") with { KeyFile = sshd.OtherHostKey };
        var report = await Run(o);
        Assert.Equal(ShutdownOutcomes.Failed, report.Outcome);
        Assert.Contains("did not accept key", report.Detail);
    }

    [Fact]
    public async Task A_host_that_never_answers_times_out()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var accepted = silent.AcceptTcpClientAsync(); // accepts, then says nothing
        var sw = Stopwatch.StartNew();
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey).Replace($":{sshd.Port}", $":{port}")), "true", port, timeoutSeconds: 2))
            .WaitAsync(TimeSpan.FromSeconds(60));
        sw.Stop();
        Assert.Equal(ShutdownOutcomes.Timeout, report.Outcome);
        // It waited for the timeout (no upper bound: the outcome says it gave up, and the machine is shared).
        Assert.True(sw.Elapsed.TotalSeconds >= 1.5, $"gave up after {sw.Elapsed.TotalSeconds:0.0} s, before the 2 s timeout");
        (await accepted).Dispose();
    }

    [Fact]
    public async Task A_closed_port_fails_quickly()
    {
        var port = SshServerFixture.FreePort();
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), "true", port, timeoutSeconds: 10)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains(report.Outcome, new[] { ShutdownOutcomes.Failed, ShutdownOutcomes.Timeout });
    }

    [Fact]
    public async Task A_missing_key_file_is_reported_before_connecting()
    {
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), "true") with { KeyFile = "/nonexistent/key" });
        Assert.Equal(ShutdownOutcomes.Failed, report.Outcome);
        Assert.Contains("cannot load key_file", report.Detail);
    }
}
