using System.Net;
using System.Net.Sockets;
using System.Text;
using Gateway.Drivers.Nut;
using Gateway.NutServer;
using Gateway.Tests.Nut;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Gateway.Tests.Reliability;

/// <summary>
/// Random and mutated lines into both ends of the NUT protocol. Server side: bytes → NutLineReader →
/// NutLineCodec.TryTokenize → NutRequestHandler, exactly the per-line path of NutTcpServer, driven directly
/// (1,000,000 lines), plus 100,000 lines over one real loopback connection after which VER must still be
/// answered. Client side: reply bytes → NutLineReader → the client's ERR check and tokenizer (1,000,000
/// replies), plus 20,000 fuzzed replies from a loopback server into the real NutClient, where only
/// NutException may escape.
/// </summary>
[Trait("Category", "Reliability")]
public class NutLineFuzzTests(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Requests from docs/reference/nut.md and what upsmon, upsc and Home Assistant send.</summary>
    private static readonly string[] RequestSeeds =
    [
        "VER", "NETVER", "PROTVER", "HELP", "STARTTLS", "LIST UPS", "LIST VAR ups", "LIST RW ups", "LIST CMD ups",
        "LIST ENUM ups input.voltage", "LIST RANGE ups input.voltage", "LIST CLIENT ups", "GET VAR ups ups.status",
        "GET VAR ups battery.charge", "GET VAR ups server.version", "GET TYPE ups input.voltage", "GET TYPE ups ups.mfr",
        "GET DESC ups ups.status", "GET CMDDESC ups beeper.disable", "GET UPSDESC ups", "GET NUMLOGINS ups",
        "GET TRACKING", "GET TRACKING 1bd31d24-3e8d-4d4c-8c8e-44c2b23a8b3b", "SET TRACKING ON", "SET TRACKING OFF",
        "SET VAR ups ups.delay.shutdown \"30\"", "INSTCMD ups beeper.disable", "INSTCMD ups test.battery.start 10",
        "INSTCMD ups shutdown.return", "USERNAME admin", "PASSWORD adminpw", "USERNAME monuser", "PASSWORD secret",
        "LOGIN ups", "PRIMARY ups", "MASTER ups", "FSD ups", "LOGOUT", "get var UPS \"ups.model\"",
        "GET VAR ups \"a \\\"quoted\\\" \\# name\"", "LIST VAR ups # comment", "GET\tVAR  ups\tups.load\r",
    ];

    /// <summary>upsd replies from docs/reference/nut.md, keyed by the request they answer.</summary>
    private static readonly (string Request, string Reply)[] ReplySeeds =
    [
        ("VER", "Network UPS Tools upsd 2.8.0 - http://www.networkupstools.org/\n"),
        ("GET VAR ups ups.status", "VAR ups ups.status \"OL CHRG\"\n"),
        ("GET VAR ups ups.model", "VAR ups ups.model \"EP20-1000 \\\"pro\\\" \\#1\"\n"),
        ("GET NUMLOGINS ups", "NUMLOGINS ups 1\n"),
        ("LIST UPS", "BEGIN LIST UPS\nUPS ups \"Rack UPS\"\nUPS dummy \"Test dummy UPS\"\nEND LIST UPS\n"),
        ("LIST VAR ups", "BEGIN LIST VAR ups\nVAR ups battery.charge \"87\"\nVAR ups input.voltage \"231.4\"\nVAR ups ups.status \"OB DISCHRG LB\"\nEND LIST VAR ups\n"),
        ("LIST CMD ups", "BEGIN LIST CMD ups\nCMD ups beeper.disable\nCMD ups shutdown.return\nEND LIST CMD ups\n"),
        ("LOGIN ups", "OK\n"),
        ("GET VAR ups ups.status", "ERR DATA-STALE\n"),
        ("LIST VAR ups", "ERR DRIVER-NOT-CONNECTED\n"),
        ("GET NUMLOGINS ups", "ERR ACCESS-DENIED extra words\n"),
    ];

    private static readonly string[] Vocabulary =
    [
        "GET", "LIST", "SET", "VAR", "TYPE", "DESC", "CMDDESC", "UPSDESC", "NUMLOGINS", "TRACKING", "INSTCMD", "LOGIN",
        "USERNAME", "PASSWORD", "FSD", "PRIMARY", "MASTER", "CLIENT", "ENUM", "RANGE", "RW", "CMD", "UPS", "ups", "UPS1",
        "ups.status", "battery.charge", "server.info", "beeper.enable", "\"", "\\", "#", "\"\"", "ON", "OFF", "admin", "adminpw",
    ];

    [Fact]
    public async Task ServerRequestLinesNeverThrowOrHang()
    {
        await using var server = await GatewayNutServer.StartAsync(new FakeTimeProvider(Now));
        var mutator = new Mutator(20261128);
        var rnd = mutator.Random;
        var reader = new NutLineReader(Stream.Null, NutTcpServer.MaxLineLength);
        var words = new List<string>(8);
        var reply = new StringBuilder(256);
        NutSession? session = null;
        var linesLeft = 0;
        var result = FuzzLoop.Run(
            i => (i % 10) switch
            {
                0 => mutator.RandomBytes(120),
                1 => Encoding.ASCII.GetBytes(string.Join(' ', Enumerable.Range(0, 1 + rnd.Next(6)).Select(_ => Vocabulary[rnd.Next(Vocabulary.Length)]))),
                _ => mutator.Mutate(Encoding.ASCII.GetBytes(RequestSeeds[rnd.Next(RequestSeeds.Length)])),
            },
            bytes =>
            {
                // A connection lasts a random number of lines and is sometimes already authenticated, so that the
                // privileged paths (LOGIN, FSD, SET, INSTCMD) see mutated arguments too.
                if (session is null || linesLeft-- <= 0)
                {
                    if (session is not null) server.Logins.Remove(session);
                    session = new NutSession("127.0.0.1");
                    if (rnd.Next(2) == 0) (session.Username, session.Password) = ("admin", "adminpw");
                    linesLeft = rnd.Next(64);
                }
                reader.Switch(new MemoryStream([.. bytes, (byte)'\n']));
                while (true)
                {
                    var r = reader.ReadLineAsync(default).AsTask().GetAwaiter().GetResult();
                    if (r.Status == NutLineStatus.End) break;
                    reply.Clear();
                    var action = NutReplyAction.Continue;
                    if (r.Status == NutLineStatus.TooLong || !NutLineCodec.TryTokenize(r.Line, words, out _))
                        reply.Append("ERR INVALID-ARGUMENT\n");
                    else
                        action = server.Handler.HandleAsync(session, words, reply, default).AsTask().GetAwaiter().GetResult();
                    AssertWellFormedReply(reply);
                    if (action == NutReplyAction.Close) linesLeft = 0;
                }
            },
            bytes => FuzzLoop.Hex(bytes) + $" (\"{Printable(bytes)}\")",
            _ => false);
        output.WriteLine($"NUT server line handler: {result.Describe()}");
    }

    [Fact]
    public async Task ServerOverOneLoopbackConnectionStillAnswersVer()
    {
        const int lineCount = 100_000;
        const string sentinel = "GET DESC ups fuzz.sentinel.4711";
        await using var server = await GatewayNutServer.StartAsync(new FakeTimeProvider(Now));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, server.Port, timeout.Token);
        var stream = tcp.GetStream();
        var mutator = new Mutator(20261129);
        var rnd = mutator.Random;
        var words = new List<string>();
        var payload = new MemoryStream();
        var sent = 0;
        while (sent < lineCount)
        {
            var bytes = sent % 10 == 0 ? mutator.RandomBytes(120) : mutator.Mutate(Encoding.ASCII.GetBytes(RequestSeeds[rnd.Next(RequestSeeds.Length)]));
            if (sent % 20_000 == 1) bytes = Enumerable.Repeat((byte)'A', NutTcpServer.MaxLineLength + 100).ToArray();
            for (var k = 0; k < bytes.Length; k++) if (bytes[k] == '\n') bytes[k] = (byte)' ';
            // LOGOUT would end the one connection this test is about.
            if (NutLineCodec.TryTokenize(Encoding.Latin1.GetString(bytes), words, out _, strictHash: false) && words.Count > 0 &&
                words[0].Equals("LOGOUT", StringComparison.OrdinalIgnoreCase)) continue;
            payload.Write(bytes);
            payload.WriteByte((byte)'\n');
            sent++;
        }
        payload.Write(Encoding.ASCII.GetBytes(sentinel + "\n"));

        var started = System.Diagnostics.Stopwatch.StartNew();
        var reader = new NutLineReader(stream, 1 << 20);
        var drain = Task.Run(async () =>
        {
            long replies = 0;
            while (true)
            {
                var r = await reader.ReadLineAsync(timeout.Token);
                Assert.True(r.Status == NutLineStatus.Line, $"server ended the connection after {replies} reply lines");
                if (r.Line == "DESC ups fuzz.sentinel.4711 \"Description unavailable\"") return replies;
                replies++;
            }
        });
        await stream.WriteAsync(payload.ToArray(), timeout.Token);
        var replyLines = await drain;
        await stream.WriteAsync("VER\n"u8.ToArray(), timeout.Token);
        var ver = await reader.ReadLineAsync(timeout.Token);
        Assert.Equal(NutRequestHandler.Version, ver.Line);
        output.WriteLine($"NUT server over loopback: {lineCount:N0} fuzzed lines ({payload.Length:N0} bytes), {replyLines:N0} reply lines in {started.Elapsed.TotalSeconds:F1} s; VER still answered");
    }

    [Fact]
    public void ClientReplyLinesNeverThrowOrHang()
    {
        var mutator = new Mutator(20261130);
        var rnd = mutator.Random;
        var reader = new NutLineReader(Stream.Null, 4096);
        var words = new List<string>(8);
        var result = FuzzLoop.Run(
            i => i % 10 == 0 ? mutator.RandomBytes(200) : mutator.Mutate(Encoding.ASCII.GetBytes(ReplySeeds[rnd.Next(ReplySeeds.Length)].Reply)),
            bytes =>
            {
                reader.Switch(new MemoryStream(bytes));
                while (true)
                {
                    var r = reader.ReadLineAsync(default).AsTask().GetAwaiter().GetResult();
                    if (r.Status != NutLineStatus.Line) break;
                    // NutClient: an ERR line becomes a typed error, anything else is tokenized leniently.
                    if (r.Line!.StartsWith("ERR", StringComparison.Ordinal))
                    {
                        var parts = r.Line.Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
                        _ = NutException.FromServer(parts.Length > 1 ? parts[1] : "", "GET VAR ups ups.status");
                    }
                    else if (NutLineCodec.TryTokenize(r.Line, words, out var error, strictHash: false))
                        Assert.True(words.Count <= NutLineCodec.MaxWords && words.All(w => w.Length <= NutLineCodec.MaxWordLength));
                    else
                        Assert.False(string.IsNullOrEmpty(error));
                }
            },
            bytes => FuzzLoop.Hex(bytes) + $" (\"{Printable(bytes)}\")",
            _ => false);
        output.WriteLine($"NUT client reply lines: {result.Describe()}");
    }

    [Fact]
    public async Task RealClientGetsOnlyNutExceptionsFromFuzzedReplies()
    {
        var count = (int)Math.Min(20_000, FuzzBudget.Iterations);
        var mutator = new Mutator(20261131);
        var rnd = mutator.Random;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        byte[] lastReply = [];
        // One connection per request: read the request line, answer with a fuzzed reply, close.
        var serve = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var socket = await listener.AcceptSocketAsync(stop.Token);
                await using var s = new NetworkStream(socket, ownsSocket: true);
                var request = await new NutLineReader(s, 4096).ReadLineAsync(stop.Token);
                if (request.Status != NutLineStatus.Line) continue;
                var matching = ReplySeeds.Where(r => r.Request == request.Line).Select(r => r.Reply).ToArray();
                var reply = rnd.Next(10) == 0 || matching.Length == 0
                    ? mutator.RandomBytes(200)
                    : mutator.Mutate(Encoding.ASCII.GetBytes(matching[rnd.Next(matching.Length)]));
                Volatile.Write(ref lastReply, reply);
                await s.WriteAsync(reply, stop.Token);
                socket.Shutdown(SocketShutdown.Send);
            }
        });

        long nutErrors = 0, timeouts = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            try
            {
                await using var client = await NutClient.ConnectAsync("127.0.0.1", port, TimeSpan.FromSeconds(10), TimeProvider.System, stop.Token);
                switch (i % 6)
                {
                    case 0: await client.GetVersionAsync(stop.Token); break;
                    case 1: await client.GetVariableAsync("ups", "ups.status", stop.Token); break;
                    case 2: await client.GetLoginCountAsync("ups", stop.Token); break;
                    case 3: await client.ListUpsAsync(stop.Token); break;
                    case 4: await client.ListVariablesAsync("ups", stop.Token); break;
                    default: await client.ListCommandsAsync("ups", stop.Token); break;
                }
            }
            catch (NutException e)
            {
                nutErrors++;
                if (e.Message.Contains("did not answer", StringComparison.Ordinal)) timeouts++;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
            {
                Assert.Fail($"request #{i} threw {e.GetType().Name}: {e.Message}\nreply: {FuzzLoop.Hex(Volatile.Read(ref lastReply))}\n{e}");
            }
        }
        await stop.CancelAsync();
        listener.Stop();
        try { await serve; } catch (OperationCanceledException) { } catch (SocketException) { }
        Assert.Equal(0, timeouts);
        output.WriteLine($"NUT client over loopback: {count:N0} fuzzed replies in {started.Elapsed.TotalSeconds:F1} s, {nutErrors:N0} NutExceptions, no hang");
    }

    [Theory]
    // Edge lines chosen by hand: only an escape, an unbalanced quote, 33 words, a word over 512 characters,
    // NUL and high bytes, a bare CR, an ERR without a word.
    [InlineData("\\")]
    [InlineData("GET VAR ups \"ups.status")]
    [InlineData("a b c d e f g h i j k l m n o p q r s t u v w x y z 1 2 3 4 5 6 7")]
    [InlineData("GET VAR ups \"\\#\"")]
    [InlineData("\0\u00ff\u0080GET VAR ups ups.status")]
    [InlineData("\r")]
    [InlineData("ERR")]
    [InlineData("USERNAME \"\"")]
    public async Task OddLinesGiveErrorRepliesNotExceptions(string line)
    {
        await using var server = await GatewayNutServer.StartAsync(new FakeTimeProvider(Now));
        var words = new List<string>();
        var reply = new StringBuilder();
        foreach (var l in new[] { line, line + new string('x', 600), "LOGIN " + line, "INSTCMD ups " + line })
        {
            reply.Clear();
            if (!NutLineCodec.TryTokenize(l, words, out _)) reply.Append("ERR INVALID-ARGUMENT\n");
            else await server.Handler.HandleAsync(new NutSession("127.0.0.1") { Username = "admin", Password = "adminpw" }, words, reply, default);
            AssertWellFormedReply(reply);
            NutLineCodec.TryTokenize(l, words, out _, strictHash: false);
        }
    }

    /// <summary>Whatever the request, the reply is printable ASCII in LF-terminated lines.</summary>
    private static void AssertWellFormedReply(StringBuilder reply)
    {
        if (reply.Length == 0) return;
        Assert.Equal('\n', reply[^1]);
        for (var k = 0; k < reply.Length; k++)
        {
            var c = reply[k];
            if (c != '\n' && (c < ' ' || c > '~')) Assert.Fail($"reply has character 0x{(int)c:X2}: {reply}");
        }
    }

    private static string Printable(byte[] bytes) =>
        new(bytes.Select(b => b is >= 0x20 and < 0x7F ? (char)b : '.').ToArray());
}
