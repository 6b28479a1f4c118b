using Gateway.Tests.Support;
using Gateway.Configuration;
using Gateway.Hosting;
using Microsoft.Extensions.Hosting;

namespace Gateway.Tests.Nut;

/// <summary>
/// The same request lines to a real upsd and to the gateway re-serving that upsd's UPS under the same name:
/// the replies must be identical, byte for byte (except the writable-variable lists, which the gateway never has).
/// </summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class NutServerDifferentialTests
{
    private static readonly string[] Requests =
    [
        "VER", "NETVER", "PROTVER", "HELP", "STARTTLS",
        "LIST UPS", "LIST VAR dummy", "LIST VAR DUMMY", "LIST VAR nosuch", "LIST VAR", "LIST", "LIST FOO dummy",
        "LIST ENUM dummy ups.status x", "LIST CLIENT dummy", "LIST CLIENT nosuch",
        "GET VAR dummy ups.status", "get var Dummy battery.charge", "GET VAR dummy nosuch.var", "GET VAR nosuch ups.status", "GET VAR dummy",
        "GET VAR dummy ups.status extra words", "GET", "GET FOO dummy", "GET UPSDESC dummy", "GET UPSDESC nosuch", "GET NUMLOGINS dummy",
        "GET DESC dummy ups.status", "GET DESC dummy no.such.var", "GET CMDDESC dummy load.off", "GET CMDDESC dummy no.such.cmd",
        "GET VAR dummy server.version",
        "FROB", "frob x y",
        "LOGIN dummy", "PRIMARY dummy", "FSD dummy", "INSTCMD dummy load.off", "SET VAR dummy ups.status OL",
        "USERNAME", "USERNAME monuser", "USERNAME again", "PASSWORD secret", "PASSWORD again",
        "LOGIN nosuch", "LOGIN", "LOGIN dummy", "LOGIN dummy", "GET NUMLOGINS dummy", "LIST CLIENT dummy",
        "FSD dummy", "PRIMARY dummy", "MASTER dummy", "INSTCMD dummy nosuch.cmd", "INSTCMD dummy", "SET VAR dummy", "SET FOO",
        "GET TRACKING", "SET TRACKING ON", "GET TRACKING", "SET TRACKING MAYBE",
        "LOGOUT",
    ];

    [Fact]
    public async Task Gateway_answers_exactly_like_upsd()
    {
        await using var upsd = await RealUpsd.StartAsync();
        var port = NutProcess.FreePort();
        var yaml = $"""
            devices:
              - id: dummy
                type: nut
                name: Test dummy UPS
                host: 127.0.0.1
                port: {upsd.Port}
                ups: dummy
                username: admin
                password: adminpw
                poll_interval: 1s
            nut_server:
              listen: ["127.0.0.1:{port}"]
              users:
                - name: monuser
                  password: secret
                  role: secondary
            web:
              enabled: false
            """;
        var loadedConfig = TestConfig.Load(yaml);
        using var host = GatewayHost.Build(loadedConfig, new RunOptions(false), TimeProvider.System);
        await host.StartAsync();
        try
        {
            await NutProcess.WaitUntilAsync(async () => (await NutProcess.RunAsync("/usr/bin/upsc", [$"dummy@127.0.0.1:{port}", "ups.status"])).Stdout.Trim() == "OL CHRG",
                "the gateway to serve the dummy UPS");
            // The gateway learns the command list on its first poll with credentials.
            await NutProcess.WaitUntilAsync(async () => (await NutProcess.RunAsync("/usr/bin/upscmd", ["-l", $"dummy@127.0.0.1:{port}"])).Stdout.Contains("load.off"),
                "the gateway to know the UPS's commands");
            var text = string.Concat(Requests.Select(r => r + "\n"));
            var expected = await ReplyLines(upsd.Port, text);
            var actual = await ReplyLines(port, text);
            Assert.True(expected.Count > Requests.Length, $"upsd answered only {expected.Count} lines");
            Assert.Contains("OK Goodbye", expected);
            Assert.Contains("CLIENT dummy 127.0.0.1", expected);
            var diffs = expected.Zip(actual).Select((p, i) => (p, i)).Where(x => x.p.First != x.p.Second)
                .Select(x => $"line {x.i}: upsd «{x.p.First}» gateway «{x.p.Second}»").ToList();
            Assert.True(diffs.Count == 0 && expected.Count == actual.Count,
                $"{expected.Count} vs {actual.Count} lines\n" + string.Join("\n", diffs.Take(20)));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>Sends all lines and reads until the server closes (LOGOUT) or goes quiet.</summary>
    private static async Task<List<string>> ReplyLines(int port, string text)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(System.Net.IPAddress.Loopback, port);
        var s = tcp.GetStream();
        await s.WriteAsync(System.Text.Encoding.ASCII.GetBytes(text));
        var reader = new Gateway.Drivers.Nut.NutLineReader(s);
        var lines = new List<string>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var r = await reader.ReadLineAsync(cts.Token);
            if (r.Status != Gateway.Drivers.Nut.NutLineStatus.Line) break;
            lines.Add(r.Line!);
        }
        return lines;
    }
}
