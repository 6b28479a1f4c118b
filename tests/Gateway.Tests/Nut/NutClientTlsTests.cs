using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Drivers.Nut;

namespace Gateway.Tests.Nut;

/// <summary>
/// The NUT client's STARTTLS against a real TLS NUT server (the gateway's own, with a PEM certificate): pinned
/// fingerprint, CA file, and the refusals an operator must be able to act on.
/// </summary>
public sealed class NutClientTlsTests : IDisposable
{
    private readonly TempDir _dir = new("gw-nut-client-tls");

    public void Dispose() => _dir.Dispose();

    /// <summary>A CA and a server certificate it signed for 127.0.0.1; returns (server PEM with key, CA PEM, server cert).</summary>
    private (string ServerPem, string CaPem, X509Certificate2 Server) MakeCertificates(string name)
    {
        using var caKey = RSA.Create(2048);
        var caReq = new CertificateRequest($"CN={name} CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caReq.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var key = RSA.Create(2048);
        var req = new CertificateRequest("CN=upsd", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        var server = req.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(20), [1, 2, 3, 4]);
        var serverPem = _dir.Write($"{name}-server.pem", server.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
        var caPem = _dir.Write($"{name}-ca.pem", ca.ExportCertificatePem() + "\n");
        return (serverPem, caPem, server);
    }

    private static async Task<NutClient> ConnectAsync(GatewayNutServer s) =>
        await NutClient.ConnectAsync("127.0.0.1", s.Port, TimeSpan.FromSeconds(5), TimeProvider.System, default);

    [Fact]
    public async Task A_pinned_fingerprint_or_the_right_ca_gives_tls_before_the_password_is_sent()
    {
        var (pem, caPem, cert) = MakeCertificates("good");
        await using var s = await GatewayNutServer.StartAsync(options: GatewayNutServer.DefaultOptions with { CertFile = pem });

        await using (var c = await ConnectAsync(s))
        {
            await c.StartTlsAsync("127.0.0.1", new NutTlsSettings(null, string.Join(':', Convert.ToHexString(SHA256.HashData(cert.RawData)).Chunk(2).Select(p => new string(p)))), default);
            Assert.True(c.IsTls);
            await c.AuthenticateAsync("monuser", "secret", default);
            await c.LoginAsync("ups", default);
            Assert.Equal("OL CHRG", await c.GetVariableAsync("ups", "ups.status", default));
        }
        await using (var c = await ConnectAsync(s))
        {
            await c.StartTlsAsync("127.0.0.1", new NutTlsSettings(caPem, null), default);
            Assert.Equal("87", await c.GetVariableAsync("ups", "battery.charge", default));
        }
    }

    [Fact]
    public async Task A_wrong_fingerprint_another_ca_or_a_server_without_tls_are_refused_with_the_reason()
    {
        var (pem, _, _) = MakeCertificates("server");
        var (_, otherCa, other) = MakeCertificates("other");
        await using var s = await GatewayNutServer.StartAsync(options: GatewayNutServer.DefaultOptions with { CertFile = pem });
        await using (var c = await ConnectAsync(s))
        {
            var e = await Assert.ThrowsAsync<NutException>(() => c.StartTlsAsync("127.0.0.1", new NutTlsSettings(null, Convert.ToHexString(SHA256.HashData(other.RawData))), default));
            Assert.Contains("not the pinned", e.Message);
        }
        await using (var c = await ConnectAsync(s))
        {
            var e = await Assert.ThrowsAsync<NutException>(() => c.StartTlsAsync("127.0.0.1", new NutTlsSettings(otherCa, null), default));
            Assert.Contains("is not signed by the CA in", e.Message);
        }
        await using var plain = await GatewayNutServer.StartAsync();
        await using (var c = await ConnectAsync(plain))
        {
            var e = await Assert.ThrowsAsync<NutException>(() => c.StartTlsAsync("127.0.0.1", new NutTlsSettings(otherCa, null), default));
            Assert.Contains("refused STARTTLS (ERR FEATURE-NOT-CONFIGURED)", e.Message);
        }
    }

    /// <summary>
    /// Debian's upsd is built with NSS, not OpenSSL: it takes CERTPATH (an NSS database) and CERTIDENT (the
    /// certificate's nickname and the database password), not CERTFILE. The certificate goes in with pk12util.
    /// </summary>
    [Trait(Lane.Trait, Lane.FullOnly)]
    [Fact]
    public async Task Starttls_to_a_real_upsd_with_a_pinned_fingerprint_protects_the_login()
    {
        var key = _dir.File("upsd.key");
        var cert = _dir.File("upsd.crt");
        var p12 = _dir.File("upsd.p12");
        var db = Directory.CreateDirectory(_dir.File("nssdb")).FullName;
        await Run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "5", "-subj", "/CN=upsd",
            "-addext", "subjectAltName=IP:127.0.0.1");
        await Run("openssl", "pkcs12", "-export", "-in", cert, "-inkey", key, "-name", "upsd", "-out", p12, "-passout", "pass:p12");
        await Run("certutil", "-N", "-d", "sql:" + db, "--empty-password");
        await Run("pk12util", "-i", p12, "-d", "sql:" + db, "-W", "p12");
        await using var upsd = await RealUpsd.StartAsync(upsdConf: $"CERTPATH {db}\nCERTIDENT \"upsd\" \"\"\n");

        var fingerprint = Convert.ToHexString(SHA256.HashData(X509Certificate2.CreateFromPemFile(cert, key).RawData));
        await using var c = await NutClient.ConnectAsync("127.0.0.1", upsd.Port, TimeSpan.FromSeconds(5), TimeProvider.System, default);
        await c.StartTlsAsync("127.0.0.1", new NutTlsSettings(null, fingerprint), default);
        Assert.True(c.IsTls);
        await c.AuthenticateAsync("monuser", "secret", default);
        await c.LoginAsync(RealUpsd.UpsName, default);
        Assert.Equal("OL CHRG", await c.GetVariableAsync(RealUpsd.UpsName, "ups.status", default));

        await using var wrong = await NutClient.ConnectAsync("127.0.0.1", upsd.Port, TimeSpan.FromSeconds(5), TimeProvider.System, default);
        var e = await Assert.ThrowsAsync<NutException>(() => wrong.StartTlsAsync("127.0.0.1", new NutTlsSettings(null, new string('0', 64)), default));
        Assert.Contains("not the pinned", e.Message);
    }

    private static async Task Run(string file, params string[] args)
    {
        var r = await NutProcess.RunAsync(file, args);
        Assert.True(r.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {r.All}");
    }
}
