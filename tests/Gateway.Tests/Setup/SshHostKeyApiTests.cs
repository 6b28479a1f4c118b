using System.Text.Json;
using Gateway.Shutdown;
using Gateway.Tests.Shutdown;
using Gateway.Tests.Support;
using Gateway.Tests.Web;

namespace Gateway.Tests.Setup;

/// <summary>
/// The SSH host key flow through the HTTP API against a real sshd on a loopback port: the scan shows the offered
/// key and writes nothing; only the confirmation carrying that exact fingerprint appends it to known_hosts (then
/// the key login is tested); a changed key is refused and never overwritten.
/// </summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class SshHostKeyApiTests(SshServerFixture sshd) : IClassFixture<SshServerFixture>
{
    private string NewKnownHosts() => Path.Combine(sshd.Dir, $"known_hosts-{Guid.NewGuid():N}");

    private Task<ApiTestHost> StartAsync(string knownHosts) => ApiTestHost.StartAsync($"""
        web:
          api_token: {ApiTestHost.Token}
        {sshd.RemoteHostYaml(knownHosts)}
        """);

    private string ExpectedFingerprint(string hostKey) =>
        KnownHosts.Fingerprint(Convert.FromBase64String(File.ReadAllText(hostKey + ".pub").Split(' ')[1]));

    [Fact]
    public async Task The_key_is_written_only_after_the_user_confirms_exactly_the_offered_fingerprint()
    {
        var knownHosts = NewKnownHosts();
        await using var host = await StartAsync(knownHosts);
        var expected = ExpectedFingerprint(sshd.HostKey);

        var scan = await host.PostOk("/api/setup/ssh/scan", """{"name":"nas"}""");
        Assert.Equal("unknown_host_key", scan.GetProperty("status").GetString());
        Assert.Equal(expected, scan.GetProperty("host_key").GetProperty("fingerprint").GetString());
        Assert.Equal("ssh-ed25519", scan.GetProperty("host_key").GetProperty("type").GetString());
        Assert.Contains("Nothing is trusted until you accept it", scan.GetProperty("message").GetString());
        Assert.False(File.Exists(knownHosts), "a scan must not write known_hosts");

        var wrong = await host.PostOk("/api/setup/ssh/accept", """{"name":"nas","fingerprint":"SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""");
        Assert.Equal("fingerprint_mismatch", wrong.GetProperty("status").GetString());
        Assert.False(File.Exists(knownHosts), "a mismatching confirmation must not write known_hosts");

        var accepted = await host.PostOk("/api/setup/ssh/accept", $$"""{"name":"nas","fingerprint":"{{expected}}"}""");
        Assert.True(accepted.GetProperty("ok").GetBoolean(), accepted.ToString());
        Assert.Equal("trusted", accepted.GetProperty("host_key").GetProperty("state").GetString());
        var lines = File.ReadAllLines(knownHosts);
        var line = Assert.Single(lines);
        Assert.StartsWith($"[127.0.0.1]:{sshd.Port} ssh-ed25519 ", line);
        Assert.True(KnownHosts.Load(knownHosts).Verify("127.0.0.1", sshd.Port, "ssh-ed25519",
            Convert.FromBase64String(File.ReadAllText(sshd.HostKey + ".pub").Split(' ')[1])).Trusted);
        Assert.Contains(accepted.GetProperty("steps").EnumerateArray(), s => s.GetProperty("text").GetString()!.Contains("accepted (nothing was run)"));

        var again = await host.PostOk("/api/setup/ssh/scan", """{"name":"nas"}""");
        Assert.Equal("trusted", again.GetProperty("status").GetString());
        var login = await host.PostOk("/api/setup/ssh/login", """{"name":"nas"}""");
        Assert.True(login.GetProperty("ok").GetBoolean(), login.ToString());
        Assert.Single(File.ReadAllLines(knownHosts));
    }

    [Fact]
    public async Task A_changed_key_is_refused_and_known_hosts_stays_as_it_was()
    {
        var knownHosts = NewKnownHosts();
        await File.WriteAllTextAsync(knownHosts, sshd.KnownHostsLine(sshd.OtherHostKey) + "\n");
        var before = await File.ReadAllTextAsync(knownHosts);
        await using var host = await StartAsync(knownHosts);
        var offered = ExpectedFingerprint(sshd.HostKey);

        var scan = await host.PostOk("/api/setup/ssh/scan", """{"name":"nas"}""");
        Assert.Equal("host_key_changed", scan.GetProperty("status").GetString());
        Assert.Contains("HOST KEY CHANGED", scan.GetProperty("message").GetString());
        Assert.Equal(offered, scan.GetProperty("host_key").GetProperty("fingerprint").GetString());

        var accept = await host.PostOk("/api/setup/ssh/accept", $$"""{"name":"nas","fingerprint":"{{offered}}"}""");
        Assert.Equal("host_key_changed", accept.GetProperty("status").GetString());
        Assert.Contains("never accepted from here", accept.GetProperty("fix").GetString());
        Assert.Equal(before, await File.ReadAllTextAsync(knownHosts));
    }

    [Fact]
    public async Task Unknown_names_and_closed_ports_are_explained()
    {
        await using var host = await StartAsync(NewKnownHosts());
        var (missing, json) = await host.PostJson("/api/setup/ssh/scan", """{"name":"nope"}""");
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Contains("configured: nas", json.GetProperty("detail").GetString());

        var closed = await host.PostOk("/api/setup/ssh/scan", $$"""{"host":"127.0.0.1","port":{{Support.FreePort.Next()}},"known_hosts":"{{NewKnownHosts()}}"}""");
        Assert.Equal("refused", closed.GetProperty("status").GetString());
        Assert.Contains("connection refused", closed.GetProperty("message").GetString());

        // Accept appends only to a known_hosts file, never to any file a request names.
        var victim = Path.Combine(sshd.Dir, $"profile-{Guid.NewGuid():N}");
        var (refused, why) = await host.PostJson("/api/setup/ssh/accept",
            $$"""{"host":"127.0.0.1","port":{{sshd.Port}},"known_hosts":"{{victim}}","fingerprint":"SHA256:x"}""");
        Assert.Equal(400, (int)refused.StatusCode);
        Assert.Contains("not a known_hosts file", why.GetProperty("detail").GetString());
        Assert.False(File.Exists(victim));
    }
}
