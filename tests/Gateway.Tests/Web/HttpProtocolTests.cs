using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Web;

/// <summary>
/// The web server speaks HTTP/1.1 only, through the real binary. Against the JIT gateway.dll these prove that Kestrel's
/// own protocol selection picks HTTP/1.1 for every connection the gateway's endpoints accept, which is the constant the
/// native AOT build substitutes to drop HTTP/2 and HTTP/3 (src/Gateway/Trimming/KestrelHttp1Only.xml): if an endpoint
/// ever offered HTTP/2 (an Http2 protocol setting, TLS with ALPN), the prior-knowledge test would get a SETTINGS frame
/// instead of the refusal and fail. With GATEWAY_TEST_BINARY they prove the pruned binary refuses HTTP/2 the same way.
/// </summary>
[Trait("Category", "Web")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class HttpProtocolTests(Http1Gateway gw) : IClassFixture<Http1Gateway>
{
    private const string Http2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    private const byte GoAwayFrame = 0x7;
    private const uint Http11Required = 0xd;

    [Fact]
    public async Task A_client_speaking_HTTP2_with_prior_knowledge_gets_a_GOAWAY_that_asks_for_HTTP11()
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        // The preface and an empty SETTINGS frame, as an h2c client with prior knowledge opens.
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Http2Preface).Concat(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 }).ToArray());
        var reply = await ReadToEndAsync(stream);
        Assert.True(reply.Length >= 17, $"expected one HTTP/2 GOAWAY frame, got {reply.Length} bytes: {Convert.ToHexString(reply)}");
        var length = (reply[0] << 16) | (reply[1] << 8) | reply[2];
        Assert.Equal(8, length);
        Assert.Equal(GoAwayFrame, reply[3]);
        Assert.Equal(Http11Required, (uint)((reply[13] << 24) | (reply[14] << 16) | (reply[15] << 8) | reply[16]));
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task An_h2c_upgrade_request_is_answered_over_HTTP11_and_the_connection_stays_open_for_the_next_request()
    {
        using var client = await ConnectAsync();
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.ASCII);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n"));
        var (status, headers, body) = await ReadResponseAsync(reader);
        Assert.Equal("HTTP/1.1 200 OK", status);
        Assert.DoesNotContain(headers, h => h.StartsWith("Upgrade:", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("\"status\"", body, StringComparison.Ordinal);

        // Keep-alive: the same connection serves a second request.
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        (status, _, body) = await ReadResponseAsync(reader);
        Assert.Equal("HTTP/1.1 200 OK", status);
        Assert.Contains("\"status\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_live_stream_is_served_over_HTTP11()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.GetAsync(gw.Web + "/api/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version11, response.Version);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line;
        do line = await reader.ReadLineAsync(cts.Token);
        while (line is not null && !line.StartsWith("data: ", StringComparison.Ordinal));
        Assert.NotNull(line);
    }

    private async Task<TcpClient> ConnectAsync()
    {
        var client = new TcpClient { ReceiveTimeout = 30_000, SendTimeout = 30_000 };
        await client.ConnectAsync(IPAddress.Loopback, gw.WebPort);
        return client;
    }

    private async Task AssertStillServesAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var health = await http.GetAsync(gw.Web + "/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    /// <summary>Everything the server sends until it closes the connection (a hang guard of 30 s).</summary>
    private static async Task<byte[]> ReadToEndAsync(NetworkStream stream)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var all = new MemoryStream();
        var buffer = new byte[1024];
        int n;
        while ((n = await stream.ReadAsync(buffer, cts.Token)) > 0) all.Write(buffer, 0, n);
        return all.ToArray();
    }

    /// <summary>One HTTP/1.1 response with a Content-Length or chunked body.</summary>
    private static async Task<(string Status, List<string> Headers, string Body)> ReadResponseAsync(StreamReader reader)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var status = await reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("the server closed the connection");
        var headers = new List<string>();
        while (await reader.ReadLineAsync(cts.Token) is { Length: > 0 } h) headers.Add(h);
        var body = new StringBuilder();
        if (headers.FirstOrDefault(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) is { } cl)
        {
            body.Append(await ReadCharsAsync(reader, int.Parse(cl["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture), cts.Token));
        }
        else
        {
            while (int.Parse(await reader.ReadLineAsync(cts.Token) ?? "0", System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture) is var size and > 0)
            {
                body.Append(await ReadCharsAsync(reader, size, cts.Token));
                await reader.ReadLineAsync(cts.Token);
            }
            await reader.ReadLineAsync(cts.Token);
        }
        return (status, headers, body.ToString());
    }

    private static async Task<string> ReadCharsAsync(StreamReader reader, int count, CancellationToken ct)
    {
        var chars = new char[count];
        var read = 0;
        while (read < count)
        {
            var n = await reader.ReadAsync(chars.AsMemory(read), ct);
            if (n == 0) throw new EndOfStreamException($"the body ended after {read} of {count} bytes");
            read += n;
        }
        return new string(chars);
    }
}
