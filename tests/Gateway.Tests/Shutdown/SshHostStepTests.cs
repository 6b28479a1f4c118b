using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Gateway.Configuration;
using Gateway.Shutdown;
using Gateway.Shutdown.Steps;
using Gateway.Tests.Support;
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

    [Theory]
    [InlineData("echo nope >&2; exit 3", "exit 3: nope")]
    // 255 is also ssh's own failure code: the exit status the host sent tells them apart.
    [InlineData("echo 'disk busy' >&2; exit 255", "exit 255: disk busy")]
    public async Task A_command_that_fails_on_the_host_is_a_failed_step_with_its_status_and_stderr(string command, string expected)
    {
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), command));
        Assert.Equal(ShutdownOutcomes.Failed, report.Outcome);
        Assert.Contains(expected, report.Detail);
        Assert.Contains("verified", report.Detail);
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
        var port = Support.FreePort.Next();
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

    [Fact]
    public async Task A_changed_host_key_says_how_to_replace_the_line_and_never_runs_the_command()
    {
        var marker = Marker;
        var known = KnownHosts("# first line", sshd.KnownHostsLine(sshd.OtherHostKey));
        var report = await Run(Host(known, $"touch {marker}"));
        Assert.Equal(ShutdownOutcomes.Failed, report.Outcome);
        Assert.Contains($"{known} line 2", report.Detail);
        Assert.Contains(sshd.HostKeyFingerprint, report.Detail);
        Assert.Contains($"ssh-keygen -f {known} -R '[127.0.0.1]:{sshd.Port}'", report.Detail);
        Assert.Contains($"ssh-keyscan -p {sshd.Port} 127.0.0.1 >> {known}", report.Detail);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task An_unknown_host_names_the_offered_fingerprint_and_never_runs_the_command()
    {
        var marker = Marker;
        var report = await Run(Host(KnownHosts("# nothing for this host"), $"touch {marker}"));
        Assert.Equal(ShutdownOutcomes.Failed, report.Outcome);
        Assert.Contains(sshd.HostKeyFingerprint, report.Detail);
        Assert.Contains("refusing to connect", report.Detail);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_key_the_server_does_not_accept_names_the_key_and_the_user()
    {
        var marker = Marker;
        var o = Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), $"touch {marker}") with { KeyFile = sshd.OtherHostKey };
        var report = await Run(o);
        Assert.Equal(ShutdownOutcomes.Failed, report.Outcome);
        Assert.Contains($"did not accept key {sshd.OtherHostKey} for user {sshd.User}", report.Detail);
        Assert.Contains("authorized_keys", report.Detail);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task A_host_that_drops_the_connection_after_the_command_started_is_a_success()
    {
        // What a host does when its command powers it off: the session ends without an exit status.
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), "kill -9 $PPID"));
        Assert.True(report.Outcome == ShutdownOutcomes.Ok, report.Detail);
        Assert.Contains("connection closed by the host after the command was sent", report.Detail);
    }

    [Fact]
    public async Task A_timeout_kills_ssh_and_leaves_no_ssh_process()
    {
        var marker = Marker;
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), $"sleep 120; touch {marker}", timeoutSeconds: 3)).WaitAsync(TimeSpan.FromSeconds(90));
        Assert.Equal(ShutdownOutcomes.Timeout, report.Outcome);
        Assert.Contains("no end of the command within 3s", report.Detail);
        var deadline = Stopwatch.StartNew();
        while (SshClientsMentioning(marker).Count > 0 && deadline.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        Assert.Empty(SshClientsMentioning(marker));
    }

    [Fact]
    public async Task Cancelling_the_step_kills_ssh_and_leaves_no_ssh_process()
    {
        var started = Marker;
        using var cts = new CancellationTokenSource();
        var step = new SshHostStep(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), $"touch {started}; sleep 120", timeoutSeconds: 60));
        var run = step.RunAsync(new ShutdownStepContext(false, new ProcessCommandExecutor(TimeProvider.System), TimeProvider.System, NullLogger.Instance, "test"), cts.Token);
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(started) && deadline.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
        Assert.True(File.Exists(started), "the command never started");
        Assert.Single(SshClientsMentioning(started));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(60)));
        while (SshClientsMentioning(started).Count > 0 && deadline.Elapsed < TimeSpan.FromSeconds(90)) await Task.Delay(100);
        Assert.Empty(SshClientsMentioning(started));
    }

    [Fact]
    public async Task Dry_run_logs_in_but_never_opens_a_session_so_a_forced_command_does_not_run()
    {
        File.Delete(sshd.ForcedMarker);
        var o = Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), "true") with { KeyFile = sshd.ForcedCommandKey };
        var dry = await Run(o, dryRun: true);
        Assert.True(dry.Outcome == ShutdownOutcomes.DryRun, dry.Detail);
        Assert.Contains("key accepted; command not run", dry.Detail);
        Assert.Contains(sshd.HostKeyFingerprint, dry.Detail);
        Assert.False(File.Exists(sshd.ForcedMarker), "the dry run opened a session: the key's forced command ran");
        // The same key in a real run does open a session (so the assertion above could fail).
        var real = await Run(o);
        Assert.True(real.Outcome == ShutdownOutcomes.Ok, real.Detail);
        Assert.True(File.Exists(sshd.ForcedMarker));
        File.Delete(sshd.ForcedMarker);
    }

    [Fact]
    public async Task A_key_file_readable_by_others_gets_the_chmod_advice_before_ssh_runs()
    {
        var key = Path.Combine(sshd.Dir, $"open-key-{Guid.NewGuid():N}");
        File.Copy(sshd.ClientKey, key);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var marker = Marker;
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), $"touch {marker}") with { KeyFile = key });
        Assert.Equal(ShutdownOutcomes.Failed, report.Outcome);
        Assert.Contains("mode 0644", report.Detail);
        Assert.Contains($"chmod 600 {key} (owner {Environment.UserName})", report.Detail);
        Assert.False(File.Exists(marker));
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var fixedKey = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), $"touch {marker}") with { KeyFile = key });
        Assert.True(fixedKey.Outcome == ShutdownOutcomes.Ok, fixedKey.Detail);
    }

    [Fact]
    public async Task A_key_file_that_is_not_a_key_is_named_with_what_ssh_said()
    {
        var key = Path.Combine(sshd.Dir, $"not-a-key-{Guid.NewGuid():N}");
        File.WriteAllText(key, "this is not a key\n");
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var report = await Run(Host(KnownHosts(sshd.KnownHostsLine(sshd.HostKey)), "true") with { KeyFile = key });
        Assert.Equal(ShutdownOutcomes.Failed, report.Outcome);
        Assert.Contains($"cannot load key_file {key}", report.Detail);
        Assert.Contains("ssh-keygen -t ed25519", report.Detail);
    }

    /// <summary>Live ssh client processes (/proc/PID/exe is ssh) whose command line contains <paramref name="text"/>.</summary>
    private static List<int> SshClientsMentioning(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                var exe = new FileInfo(Path.Combine(dir, "exe")).LinkTarget;
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                if (exe is null || Path.GetFileName(exe) != "ssh" || stat.Contains(") Z ", StringComparison.Ordinal)) continue;
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(text, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return found;
    }

    [Fact]
    public async Task The_dry_run_of_the_real_binary_works_as_an_unprivileged_user_whose_home_does_not_exist()
    {
        // gateway.service runs as user gateway with ProtectHome=yes: ssh must neither need nor create ~/.ssh.
        using var dir = new TempDir("gw-ssh-user");
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101);
        var key = dir.Write("id_ed25519", File.ReadAllText(sshd.ClientKey), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var known = dir.Write("known_hosts", sshd.KnownHostsLine(sshd.HostKey) + "\n", (UnixFileMode)0b110_100_100);
        var marker = dir.File("ran");
        var config = dir.Write("config.yaml", $"""
            shutdown:
              remote_hosts:
                - name: nas
                  host: 127.0.0.1
                  port: {sshd.Port}
                  user: {sshd.User}
                  key_file: {key}
                  known_hosts: {known}
                  command: "touch {marker}"
            """, (UnixFileMode)0b110_100_100);
        var runAs = UnprivilegedUser.IsRoot ? UnprivilegedUser.Get() : null;
        if (runAs is not null)
        {
            using var chown = Process.Start("chown", [runAs.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture), key]);
            await chown.WaitForExitAsync();
        }
        var home = Path.Combine(dir.Path, "no-such-home");
        await using var gw = GatewayProcess.Start(["shutdown", "--dry-run", "--config", config], env: new Dictionary<string, string> { ["HOME"] = home }, runAs: runAs);
        Assert.True(await gw.WaitForExitAsync(TimeSpan.FromSeconds(120)), gw.Output);
        Assert.Contains("key accepted; command not run", gw.Output);
        Assert.Contains(sshd.HostKeyFingerprint, gw.Output);
        Assert.False(File.Exists(marker));
        Assert.False(Directory.Exists(home), "ssh created the home directory");
    }
}
