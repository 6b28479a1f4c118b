using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Tests.Support;
using Xunit.Abstractions;

namespace Gateway.Tests.Reliability;

/// <summary>
/// Resource limits: the real gateway (child process, --simulate) holds 1,000 NUT and 1,000 HTTP connections while
/// one client streams a never-ending NUT line and another a never-ending HTTP header. A fresh NUT GET VAR and a
/// fresh GET /api/health must still answer within a few seconds, and resident memory must stay bounded.
/// Set GATEWAY_TEST_BINARY to a published native AOT gateway to hold it to the 64 MB product target; the JIT
/// gateway.dll the tests run by default starts at ~80 MB on its own, so it is held to a looser documented bound.
/// </summary>
[Trait("Category", "Reliability")]
[Collection(ReliabilityProcessCollection.Name)]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class ResourceLimitsTests(ITestOutputHelper output)
{
    private const int Connections = 1000;
    private const long MB = 1024 * 1024;
    /// <summary>The product target (issue 9), asserted for a native AOT binary.</summary>
    private const long AotLimit = 64 * MB;
    /// <summary>
    /// gateway.dll under the JIT idles at 70–80 MB (runtime, JIT'd code, tiering); measured 108–117 MB peak under this
    /// load. Bound: that idle figure plus <see cref="GrowthLimit"/>. The native AOT build measured 34 MB idle, 58 MB peak.
    /// </summary>
    private const long JitLimit = 128 * MB;
    /// <summary>What 2,000 connections and the two endless clients may add to the idle figure, either way.</summary>
    private const long GrowthLimit = 48 * MB;
    /// <summary>A hang guard, not a latency target: a server starved by the held connections never answers at all.</summary>
    private static readonly TimeSpan FreshRequestLimit = TimeSpan.FromSeconds(30);
    private static readonly byte[] GetVar = "GET VAR ups ups.status\n"u8.ToArray();

    [Fact]
    public async Task Holding_2000_connections_and_two_endless_clients_the_gateway_keeps_serving_and_stays_within_memory()
    {
        var fdLimit = FileDescriptorLimit.EnsureAtLeast(8192);
        Assert.True(fdLimit >= 2 * Connections + 512, $"open-file limit {fdLimit} (hard limit too low) is not enough for {2 * Connections} connections");
        var aotBinary = Environment.GetEnvironmentVariable("GATEWAY_TEST_BINARY");
        var webPort = FreePort.Next();
        var nutPort = FreePort.Next();
        using var dataDir = new TempDir("gw-limits");
        await using var gateway = GatewayProcess.Start(
        [
            "run", "--simulate",
            "--set", $"web.listen=http://127.0.0.1:{webPort}",
            "--set", $"nut_server.listen=127.0.0.1:{nutPort}",
            "--set", "nut_server.max_connections=2000",
            "--set", "nut_server.max_connections_per_address=2000",
            "--set", "web.max_connections=2000",
            // One address holds them all here; the per-address caps are what the abuse suite tests.
            "--set", "web.max_connections_per_address=2000",
            "--set", "history.enabled=false",
            "--set", "mqtt.enabled=false",
            "--set", "mqtt.embedded_broker=false",
            "--set", $"gateway.data_dir={dataDir.Path}",
        ], executable: string.IsNullOrEmpty(aotBinary) ? null : aotBinary);
        var nut = new IPEndPoint(IPAddress.Loopback, nutPort);
        var health = $"http://127.0.0.1:{webPort}/api/health";

        await gateway.WaitForHttpAsync(health, TimeSpan.FromSeconds(60));
        var nutDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!(await FreshNutAsync(nut)).Reply.StartsWith("VAR ups ups.status", StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > nutDeadline) throw new TimeoutException("the NUT server did not serve the simulated UPS within 30 s:\n" + gateway.Output);
            await Task.Delay(100);
        }
        await Task.Delay(1000);   // let start-up settle before taking the idle figure
        var idleRss = ProcessMemory.Rss(gateway.Pid);

        using var load = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var peakSampled = idleRss;
        var sampler = Task.Run(async () =>
        {
            while (!load.IsCancellationRequested)
            {
                peakSampled = Math.Max(peakSampled, ProcessMemory.Rss(gateway.Pid));
                try { await Task.Delay(50, load.Token); } catch (OperationCanceledException) { }
            }
        });
        var held = new List<Socket>(2 * Connections + 4);
        try
        {
            // 1,000 NUT clients, each served once and then held open.
            var sw = Stopwatch.StartNew();
            var nutClients = await ConnectManyAsync(nut, Connections, load.Token);
            held.AddRange(nutClients);
            var answered = await Task.WhenAll(nutClients.Select(s => RequestLineAsync(s, GetVar, load.Token)));
            Assert.All(answered, r => Assert.StartsWith("VAR ups ups.status", r));
            output.WriteLine($"{Connections} NUT connections open and answered in {sw.ElapsedMilliseconds} ms");

            // 1,000 HTTP clients: half keep-alive after a served request, half stuck in the middle of their headers.
            sw.Restart();
            var web = new IPEndPoint(IPAddress.Loopback, webPort);
            var httpClients = await ConnectManyAsync(web, Connections, load.Token);
            held.AddRange(httpClients);
            var served = await Task.WhenAll(httpClients.Take(Connections / 2).Select(s => HttpHeadAsync(s, load.Token)));
            Assert.All(served, status => Assert.StartsWith("HTTP/1.1 200", status));
            foreach (var s in httpClients.Skip(Connections / 2))
                await s.SendAsync("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"u8.ToArray(), SocketFlags.None, load.Token);
            output.WriteLine($"{Connections} HTTP connections open ({Connections / 2} served and kept alive, {Connections / 2} with unfinished headers) in {sw.ElapsedMilliseconds} ms");

            using var endless = CancellationTokenSource.CreateLinkedTokenSource(load.Token);
            var endlessNut = EndlessNutLineAsync(nut, endless.Token);
            var endlessHttp = EndlessHttpHeaderAsync(web, endless.Token);
            await Task.Delay(2000, load.Token);   // the endless clients are streaming

            // Fresh clients while all of that is held.
            var latencies = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                var (reply, nutTime) = await FreshNutAsync(nut);
                Assert.StartsWith("VAR ups ups.status", reply);
                Assert.True(nutTime < FreshRequestLimit, $"fresh NUT GET VAR took {nutTime.TotalMilliseconds:0} ms under load");
                var httpTime = await FreshHttpAsync(health);
                Assert.True(httpTime < FreshRequestLimit, $"fresh GET /api/health took {httpTime.TotalMilliseconds:0} ms under load");
                latencies.Add($"NUT {nutTime.TotalMilliseconds:0} ms / HTTP {httpTime.TotalMilliseconds:0} ms");
            }
            output.WriteLine($"fresh requests under load: {string.Join(", ", latencies)}");

            // The held NUT clients are still being served too.
            var again = await Task.WhenAll(nutClients.Select(s => RequestLineAsync(s, GetVar, load.Token)));
            Assert.All(again, r => Assert.StartsWith("VAR ups ups.status", r));
            var loadedRss = ProcessMemory.Rss(gateway.Pid);

            endless.Cancel();
            var nutBytes = await endlessNut.WaitAsync(TimeSpan.FromSeconds(10));
            var (httpBytes, httpRejected) = await endlessHttp.WaitAsync(TimeSpan.FromSeconds(10));
            output.WriteLine($"endless NUT line: {nutBytes / MB} MB sent without a newline; endless HTTP header: {httpBytes / 1024} KB sent, rejected and closed by the server {httpRejected} times");
            Assert.True(nutBytes > 8 * MB, "the endless NUT client was not able to stream (the server stopped reading?)");
            Assert.True(httpRejected >= 1, "the server never rejected the endless HTTP header");
            Assert.False(gateway.HasExited, "the gateway died under load:\n" + gateway.Output);

            load.Cancel();
            await sampler.WaitAsync(TimeSpan.FromSeconds(5));
            var peak = Math.Max(peakSampled, ProcessMemory.PeakRss(gateway.Pid));
            var kind = string.IsNullOrEmpty(aotBinary) ? "JIT gateway.dll" : $"native AOT {aotBinary}";
            output.WriteLine($"{kind}: RSS idle {idleRss / (double)MB:0.0} MB, under load {loadedRss / (double)MB:0.0} MB, peak (VmHWM) {peak / (double)MB:0.0} MB; fd limit {fdLimit}");
            Assert.True(peak - idleRss < GrowthLimit, $"memory grew by {(peak - idleRss) / MB} MB under load");
            var limit = string.IsNullOrEmpty(aotBinary) ? JitLimit : AotLimit;
            Assert.True(peak < limit, $"{kind}: peak RSS {peak / MB} MB is over {limit / MB} MB");
        }
        finally
        {
            load.Cancel();
            foreach (var s in held) s.Dispose();
        }
    }

    private static async Task<Socket[]> ConnectManyAsync(IPEndPoint endpoint, int count, CancellationToken ct)
    {
        var sockets = new Socket[count];
        for (var start = 0; start < count; start += 100)
        {
            await Task.WhenAll(Enumerable.Range(start, Math.Min(100, count - start)).Select(async i =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                sockets[i] = s;
                await s.ConnectAsync(endpoint, ct);
            }));
        }
        return sockets;
    }

    /// <summary>Sends a request and reads one reply line.</summary>
    private static async Task<string> RequestLineAsync(Socket socket, byte[] request, CancellationToken ct)
    {
        await socket.SendAsync(request, SocketFlags.None, ct);
        var line = new StringBuilder();
        var buffer = new byte[256];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, ct);
            if (n == 0) throw new IOException($"connection closed after '{line}'");
            var text = Encoding.ASCII.GetString(buffer, 0, n);
            var lf = text.IndexOf('\n');
            if (lf >= 0) return line.Append(text[..lf]).ToString();
            line.Append(text);
        }
    }

    /// <summary>Sends GET /api/health on a kept-alive connection and returns the status line (the body stays unread in the socket).</summary>
    private static Task<string> HttpHeadAsync(Socket socket, CancellationToken ct) =>
        RequestLineAsync(socket, "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"u8.ToArray(), ct);

    private static async Task<(string Reply, TimeSpan Elapsed)> FreshNutAsync(IPEndPoint nut)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var sw = Stopwatch.StartNew();
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await s.ConnectAsync(nut, timeout.Token);
            var reply = await RequestLineAsync(s, GetVar, timeout.Token);
            return (reply, sw.Elapsed);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return ($"failed: {e.Message}", sw.Elapsed);
        }
    }

    private static async Task<TimeSpan> FreshHttpAsync(string url)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var sw = Stopwatch.StartNew();
        using var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await response.Content.ReadAsStringAsync();
        return sw.Elapsed;
    }

    /// <summary>Streams bytes without a newline to the NUT server until cancelled; returns how many it took.</summary>
    private static async Task<long> EndlessNutLineAsync(IPEndPoint nut, CancellationToken ct)
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync(nut, ct);
        var chunk = Enumerable.Repeat((byte)'A', 64 * 1024).ToArray();
        long sent = 0;
        try
        {
            while (true) sent += await s.SendAsync(chunk, SocketFlags.None, ct);
        }
        catch (OperationCanceledException) { }
        return sent;
    }

    /// <summary>
    /// Sends an HTTP request whose header never ends, again and again until cancelled; returns the bytes sent and
    /// how many times the server answered with an error status and closed the connection.
    /// </summary>
    private static async Task<(long Bytes, int Rejected)> EndlessHttpHeaderAsync(IPEndPoint web, CancellationToken ct)
    {
        var chunk = Enumerable.Repeat((byte)'a', 4 * 1024).ToArray();
        long sent = 0;
        var rejected = 0;
        while (!ct.IsCancellationRequested)
        {
            using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await s.ConnectAsync(web, ct);
                sent += await s.SendAsync("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Endless: "u8.ToArray(), SocketFlags.None, ct);
                while (true) sent += await s.SendAsync(chunk, SocketFlags.None, ct);
            }
            catch (OperationCanceledException) { break; }
            catch (SocketException)
            {
                // The server gave up on the header: read its answer (4xx) and count it.
                using var readTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                readTimeout.CancelAfter(TimeSpan.FromSeconds(2));
                try
                {
                    var buffer = new byte[512];
                    var n = await s.ReceiveAsync(buffer, SocketFlags.None, readTimeout.Token);
                    var status = Encoding.ASCII.GetString(buffer, 0, n);
                    if (status.StartsWith("HTTP/1.1 4", StringComparison.Ordinal) || n == 0) rejected++;
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException) { rejected++; }
            }
        }
        return (sent, rejected);
    }
}
