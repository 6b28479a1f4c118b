using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Drivers.Nut;

namespace Gateway.Tests.Nut;

public sealed class NutServerTlsTests
{
    [Fact]
    public async Task Starttls_with_a_certificate_switches_to_tls_and_keeps_serving()
    {
        var dir = Directory.CreateTempSubdirectory("gw-nut-tls-").FullName;
        try
        {
            using var key = RSA.Create(2048);
            var req = new CertificateRequest("CN=gateway", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            var pem = Path.Combine(dir, "upsd.pem");
            await File.WriteAllTextAsync(pem, cert.ExportCertificatePem() + "\n" + key.ExportPkcs8PrivateKeyPem() + "\n");
            var options = GatewayNutServer.DefaultOptions with { CertFile = pem };
            await using var s = await GatewayNutServer.StartAsync(options: options);

            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, s.Port);
            var plain = tcp.GetStream();
            await plain.WriteAsync("STARTTLS\n"u8.ToArray());
            var reader = new NutLineReader(plain);
            Assert.Equal("OK STARTTLS", (await reader.ReadLineAsync(default)).Line);
            await using var ssl = new SslStream(plain, false, (_, _, _, _) => true);
            await ssl.AuthenticateAsClientAsync("gateway");
            await ssl.WriteAsync("STARTTLS\nGET VAR ups ups.status\n"u8.ToArray());
            reader.Switch(ssl);
            Assert.Equal("ERR ALREADY-SSL-MODE", (await reader.ReadLineAsync(default)).Line);
            Assert.Equal("VAR ups ups.status \"OL CHRG\"", (await reader.ReadLineAsync(default)).Line);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
