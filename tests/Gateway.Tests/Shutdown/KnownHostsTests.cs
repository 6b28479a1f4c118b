using System.Security.Cryptography;
using System.Text;
using Gateway.Shutdown;

namespace Gateway.Tests.Shutdown;

public sealed class KnownHostsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("gw-kh-").FullName;
    private static readonly byte[] KeyA = [0, 0, 0, 11, .. "ssh-ed25519"u8.ToArray(), 1, 2, 3];
    private static readonly byte[] KeyB = [0, 0, 0, 11, .. "ssh-ed25519"u8.ToArray(), 4, 5, 6];

    public void Dispose() => Directory.Delete(_dir, true);

    private KnownHosts Write(params string[] lines)
    {
        var p = Path.Combine(_dir, "known_hosts");
        File.WriteAllLines(p, lines);
        return KnownHosts.Load(p);
    }

    [Fact]
    public void Plain_entries_match_host_and_port()
    {
        var kh = Write($"[10.0.0.2]:2222,nas ssh-ed25519 {Convert.ToBase64String(KeyA)}", $"10.0.0.3 ssh-ed25519 {Convert.ToBase64String(KeyA)}");
        Assert.True(kh.Verify("10.0.0.2", 2222, "ssh-ed25519", KeyA).Trusted);
        Assert.True(kh.Verify("10.0.0.3", 22, "ssh-ed25519", KeyA).Trusted);
        Assert.Contains("not in", kh.Verify("10.0.0.2", 22, "ssh-ed25519", KeyA).Problem);
        Assert.Contains("HOST KEY CHANGED", kh.Verify("10.0.0.3", 22, "ssh-ed25519", KeyB).Problem);
    }

    [Fact]
    public void Hashed_entries_match()
    {
        var salt = RandomNumberGenerator.GetBytes(20);
        var hash = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes("[127.0.0.1]:2200"));
        var kh = Write($"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)} ssh-ed25519 {Convert.ToBase64String(KeyA)}");
        Assert.True(kh.Verify("127.0.0.1", 2200, "ssh-ed25519", KeyA).Trusted);
        Assert.False(kh.Verify("127.0.0.1", 2201, "ssh-ed25519", KeyA).Trusted);
    }

    [Fact]
    public void Wildcards_negation_and_revoked_keys()
    {
        var kh = Write($"*.lan,!evil.lan ssh-ed25519 {Convert.ToBase64String(KeyA)}", $"@revoked * ssh-ed25519 {Convert.ToBase64String(KeyB)}");
        Assert.True(kh.Verify("nas.lan", 22, "ssh-ed25519", KeyA).Trusted);
        Assert.False(kh.Verify("evil.lan", 22, "ssh-ed25519", KeyA).Trusted);
        Assert.Contains("@revoked", kh.Verify("nas.lan", 22, "ssh-ed25519", KeyB).Problem);
    }
}
