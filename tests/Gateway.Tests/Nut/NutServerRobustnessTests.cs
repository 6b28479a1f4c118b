using System.Net;
using System.Net.Sockets;
using System.Text;
using CsCheck;
using Gateway.Drivers.Nut;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Nut;

/// <summary>Garbage, overlong lines, floods and silent clients never take the server down or starve others.</summary>
public sealed class NutServerRobustnessTests
{
    [Fact]
    public async Task Overlong_lines_garbage_and_unbalanced_quotes_get_an_error_and_the_connection_keeps_working()
    {
        await using var s = await GatewayNutServer.StartAsync();
        var longWord = new string('A', 100_000);
        var tooManyWords = string.Join(' ', Enumerable.Repeat("x", 40));
        var request = $"{longWord}\nGET VAR ups \"abc\n\x01\x02\xff\xfe\x7f\n{tooManyWords}\nGET VAR ups \"a#b\"\nGET VAR ups ups.status\n";
        var r = await NutProcess.ConverseAsync(s.Port, request, 5);
        // The garbage line is empty once unprintable bytes are dropped: like upsd, no reply.
        Assert.Equal(["ERR INVALID-ARGUMENT", "ERR INVALID-ARGUMENT", "ERR INVALID-ARGUMENT", "ERR INVALID-ARGUMENT"], r[..4]);
        Assert.Equal("VAR ups ups.status \"OL CHRG\"", r[4]);
    }

    [Fact]
    public async Task A_long_word_within_the_line_limit_is_cut_at_512_like_upsd()
    {
        await using var s = await GatewayNutServer.StartAsync();
        var r = await NutProcess.ConverseAsync(s.Port, $"GET VAR ups {new string('b', 2000)}\n", 1);
        Assert.Equal(["ERR VAR-NOT-SUPPORTED"], r);
    }

    [Fact]
    public async Task Fuzzed_request_lines_never_crash_the_server()
    {
        await using var s = await GatewayNutServer.StartAsync();
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, s.Port);
        var stream = tcp.GetStream();
        var words = new[] { "GET", "VAR", "LIST", "UPS", "ups", "ups.status", "\"", "\\", "#", "USERNAME", "PASSWORD", "LOGIN", "INSTCMD", "FSD", "SET", "STARTTLS", "TRACKING", " ", "\t", "\r" };
        var gen = Gen.OneOf(
            Gen.Byte.Array[0, 300].Select(b => b.Where(x => x != (byte)'\n').ToArray()),
            Gen.Int[0, words.Length - 1].Select(i => words[i]).Array[0, 40].Select(w => Encoding.ASCII.GetBytes(string.Join(' ', w))));
        var sent = 0;
        var drain = Task.Run(async () =>
        {
            var buf = new byte[65536];
            while (await stream.ReadAsync(buf) > 0) { }
        });
        gen.Sample(line =>
        {
            // LOGOUT/STARTTLS on a plain fuzz connection are fine too: the reply is still well-formed.
            var text = Encoding.Latin1.GetString(line);
            if (text.Contains("LOGOUT", StringComparison.OrdinalIgnoreCase)) return;
            stream.Write([.. line, (byte)'\n']);
            sent++;
        }, iter: 3000);
        Assert.True(sent > 1000);
        // The server is still serving, on a fresh connection and on this one.
        Assert.Equal(["VAR ups ups.status \"OL CHRG\""], await NutProcess.ConverseAsync(s.Port, "GET VAR ups ups.status\n", 1));
        Assert.Equal("listening", s.Status.State);
        tcp.Close();
        await drain.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { });
    }

    [Fact]
    public void Tokenizer_never_throws_on_random_text()
    {
        Gen.String[0, 2000].Sample(text =>
        {
            var words = new List<string>();
            if (NutLineCodec.TryTokenize(text, words, out var error))
                Assert.True(words.Count <= NutLineCodec.MaxWords && words.All(w => w.Length <= NutLineCodec.MaxWordLength));
            else Assert.NotNull(error);
        }, iter: 5000);
    }

    [Fact]
    public async Task Connection_flood_beyond_max_connections_is_refused_and_other_clients_are_served()
    {
        var options = GatewayNutServer.DefaultOptions with { MaxConnections = 20 };
        await using var s = await GatewayNutServer.StartAsync(options: options);
        var idle = new List<TcpClient>();
        try
        {
            // Sixty hosts with one connection each: the total cap, not the per-address one, is what refuses them.
            for (var i = 0; i < 60; i++)
            {
                var c = new TcpClient(new IPEndPoint(IPAddress.Parse($"127.0.1.{i + 1}"), 0));
                await c.ConnectAsync(IPAddress.Loopback, s.Port);
                idle.Add(c);
            }
            await NutProcess.WaitUntilAsync(() => s.Status.Refused >= 40, "connections beyond the limit to be refused");
            Assert.Equal(20, s.Status.Clients);
            // Free a few slots; a real client gets in and is answered at once despite the 20 silent ones.
            foreach (var c in idle.Take(5)) c.Dispose();
            await NutProcess.WaitUntilAsync(() => s.Status.Clients <= 15, "slots to free");
            // Answered while the silent ones still hold their slots (they would only go at the 120 s idle timeout).
            Assert.Equal(["VAR ups battery.charge \"87\""], await NutProcess.ConverseAsync(s.Port, "GET VAR ups battery.charge\n", 1, TimeSpan.FromSeconds(60)));
            Assert.True(s.Status.Clients >= 15, $"the silent clients were dropped ({s.Status.Clients} left): the answer did not prove anything");
        }
        finally
        {
            foreach (var c in idle) c.Dispose();
        }
    }

    [Fact]
    public async Task Silent_clients_are_dropped_after_the_idle_timeout_in_virtual_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var s = await GatewayNutServer.StartAsync(time);
        using var c = new TcpClient();
        await c.ConnectAsync(IPAddress.Loopback, s.Port);
        var stream = c.GetStream();
        // A full request and its reply: the connection is being served and its idle clock started.
        await stream.WriteAsync("VER\n"u8.ToArray());
        var reader = new NutLineReader(stream);
        Assert.StartsWith("Network UPS Tools", (await reader.ReadLineAsync(default)).Line);
        // Half a line never completes: it does not count as activity.
        await stream.WriteAsync("GET VAR"u8.ToArray());
        time.Advance(TimeSpan.FromSeconds(119));
        await Task.Delay(100);
        Assert.Equal(1, s.Status.Clients);
        time.Advance(TimeSpan.FromSeconds(2));
        await NutProcess.WaitUntilAsync(() => s.Status.Clients == 0, "the idle client to be dropped");
        Assert.Equal(0, await stream.ReadAsync(new byte[16]));
    }
}
