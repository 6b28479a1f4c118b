using System.Net;
using System.Net.Sockets;
using CsCheck;
using Gateway.Drivers.Nut;

namespace Gateway.Tests.Nut;

/// <summary>A server that answers garbage only ever produces a typed NutException in the client.</summary>
public sealed class NutClientFuzzTests
{
    private static readonly string[] Fragments =
    [
        "BEGIN LIST VAR ups\n", "VAR ups\n", "END LIST VAR other\n", "ERR\n", "ERR DATA-STALE\n", "VAR ups x \"unterminated\n", "\n",
        "BEGIN LIST VAR ups\nVAR other a \"1\"\n",
    ];

    [Fact]
    public async Task Garbage_replies_become_typed_errors()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var replies = Gen.OneOf(
            Gen.Byte.Array[0, 600],
            Gen.Int[0, Fragments.Length - 1].Select(i => Fragments[i]).Array[1, 5].Select(a => System.Text.Encoding.ASCII.GetBytes(string.Concat(a))));
        var samples = new List<byte[]>();
        replies.Sample(samples.Add, iter: 150, threads: 1);
        var kinds = new HashSet<NutErrorKind>();
        foreach (var reply in samples)
        {
            var accept = listener.AcceptTcpClientAsync();
            await using var client = await NutClient.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(5), TimeProvider.System, default);
            using (var server = await accept)
            {
                await server.GetStream().WriteAsync(reply);
                server.Client.Shutdown(SocketShutdown.Send);
                var e = await Assert.ThrowsAsync<NutException>(() => client.ListVariablesAsync("ups", default));
                kinds.Add(e.Kind);
            }
        }
        Assert.Contains(NutErrorKind.Protocol, kinds);
        Assert.Contains(NutErrorKind.Connection, kinds);
    }
}
