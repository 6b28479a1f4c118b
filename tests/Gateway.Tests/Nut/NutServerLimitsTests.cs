using System.Net;
using System.Net.Sockets;
using Gateway.Drivers.Nut;
using Gateway.NutServer;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Nut;

/// <summary>What keeps one LAN host from locking others out of the NUT server or guessing its passwords.</summary>
public sealed class NutServerLimitsTests
{
    private static readonly IPAddress Second = IPAddress.Parse("127.0.0.2");

    private static async Task<List<TcpClient>> HoldAsync(int port, int count, IPAddress from)
    {
        var held = new List<TcpClient>();
        for (var i = 0; i < count; i++)
        {
            var c = new TcpClient(new IPEndPoint(from, 0));
            await c.ConnectAsync(IPAddress.Loopback, port);
            held.Add(c);
        }
        return held;
    }

    [Fact]
    public async Task One_address_gets_at_most_its_share_and_a_second_address_is_still_served_with_one_log_line()
    {
        var logs = new CapturingLoggerProvider();
        await using var s = await GatewayNutServer.StartAsync(logs: logs);
        var held = await HoldAsync(s.Port, 40, IPAddress.Loopback);
        try
        {
            await NutProcess.WaitUntilAsync(() => s.Status.Refused >= 24, "connections beyond the per-address cap to be refused");
            Assert.Equal(16, s.Status.Clients);
            Assert.Equal(["VAR ups battery.charge \"87\""], await NutProcess.ConverseAsync(s.Port, "GET VAR ups battery.charge\n", 1, from: Second));
            Assert.Single(logs.Lines, l => l.Message.Contains("refusing connections from 127.0.0.1", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var c in held) c.Dispose();
        }
    }

    [Fact]
    public async Task The_last_eighth_of_the_slots_is_kept_for_addresses_that_hold_none()
    {
        var options = GatewayNutServer.DefaultOptions with { MaxConnections = 16, MaxConnectionsPerAddress = 16 };
        await using var s = await GatewayNutServer.StartAsync(options: options);
        var held = new List<TcpClient>();
        try
        {
            held.AddRange(await HoldAsync(s.Port, 16, IPAddress.Loopback));
            await NutProcess.WaitUntilAsync(() => s.Status.Clients + s.Status.Refused == 16, "the first host's connections to be accepted or refused");
            Assert.Equal(14, s.Status.Clients);
            // A host holding nothing still gets the kept slots, one each.
            Assert.Equal(["VAR ups ups.status \"OL CHRG\""], await NutProcess.ConverseAsync(s.Port, "GET VAR ups ups.status\n", 1, from: Second));
            // That connection is closed; the server must have let go of it before the second host connects again.
            await NutProcess.WaitUntilAsync(() => s.Status.Clients == 14, "the second host's answered connection to be released");
            held.AddRange(await HoldAsync(s.Port, 2, Second));
            await NutProcess.WaitUntilAsync(() => s.Status.Refused >= 3, "the second host's second connection to be refused");
            Assert.Equal(3, s.Status.Refused);
            Assert.Equal(15, s.Status.Clients);
        }
        finally
        {
            foreach (var c in held) c.Dispose();
        }
    }

    [Fact]
    public async Task Empty_lines_do_not_keep_a_silent_client_connected_in_virtual_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var s = await GatewayNutServer.StartAsync(time);
        using var c = new TcpClient();
        await c.ConnectAsync(IPAddress.Loopback, s.Port);
        var stream = c.GetStream();
        await stream.WriteAsync("VER\n"u8.ToArray());
        Assert.StartsWith("Network UPS Tools", (await new NutLineReader(stream).ReadLineAsync(default)).Line);
        // Empty lines every 10 s for 110 s: the connection stays (it is not yet idle for 120 s) ...
        for (var i = 0; i < 11; i++)
        {
            time.Advance(TimeSpan.FromSeconds(10));
            await stream.WriteAsync("\n  \n"u8.ToArray());
            await Task.Delay(20);
        }
        Assert.Equal(1, s.Status.Clients);
        // ... and at 120 s after the last request it is dropped, empty lines or not.
        time.Advance(TimeSpan.FromSeconds(10));
        await NutProcess.WaitUntilAsync(() => s.Status.Clients == 0, "the client that only sends empty lines to be dropped");
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_address_out_with_growing_pauses_and_one_log_line_in_virtual_time()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        var logs = new CapturingLoggerProvider();
        await using var s = await GatewayNutServer.StartAsync(time, logs: logs);
        static string Login(string password) => $"USERNAME monuser\nPASSWORD {password}\nLOGIN ups\n";
        for (var i = 0; i < Gateway.Hosting.LoginThrottle.FreeFailures; i++)
            Assert.Equal("ERR ACCESS-DENIED", (await NutProcess.ConverseAsync(s.Port, Login("guess" + i), 3))[2]);
        // Locked out: even the right password is refused, without being checked.
        Assert.Equal("ERR ACCESS-DENIED", (await NutProcess.ConverseAsync(s.Port, Login("secret"), 3))[2]);
        // Another host is not affected.
        Assert.Equal("OK", (await NutProcess.ConverseAsync(s.Port, Login("secret"), 3, from: Second))[2]);
        time.Advance(Gateway.Hosting.LoginThrottle.FirstLockout);
        Assert.Equal("ERR ACCESS-DENIED", (await NutProcess.ConverseAsync(s.Port, Login("guess-after-pause"), 3))[2]);
        // That failure doubled the pause: one second later the right password is still refused, two seconds later it works.
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("ERR ACCESS-DENIED", (await NutProcess.ConverseAsync(s.Port, Login("secret"), 3))[2]);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("OK", (await NutProcess.ConverseAsync(s.Port, Login("secret"), 3))[2]);
        Assert.Equal(Gateway.Hosting.LoginThrottle.FreeFailures + 1, s.Handler.Throttle.TotalFailures);
        Assert.Single(logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("wrong passwords from 127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Message.Contains("guess", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Refused_primary_fsd_set_and_instcmd_are_logged_with_the_user_and_the_address()
    {
        var logs = new CapturingLoggerProvider();
        await using var s = await GatewayNutServer.StartAsync(logs: logs);
        var r = await NutProcess.ConverseAsync(s.Port,
            "USERNAME beeper\nPASSWORD bp\nPRIMARY ups\nFSD ups\nSET VAR ups battery.charge 5\nINSTCMD ups shutdown.return\nINSTCMD ups beeper.disable\n", 7);
        Assert.Equal(["OK", "OK", "ERR ACCESS-DENIED", "ERR ACCESS-DENIED", "ERR ACCESS-DENIED", "ERR ACCESS-DENIED", "OK"], r);
        var refusals = logs.Lines.Where(l => l.Level == LogLevel.Warning && l.Message.StartsWith("NUT server: refused", StringComparison.Ordinal)).ToArray();
        Assert.Equal(4, refusals.Length);
        Assert.All(refusals, l => Assert.Contains("user 'beeper' from 127.0.0.1", l.Message));
        Assert.Contains(refusals, l => l.Message.Contains("PRIMARY ups", StringComparison.Ordinal));
        Assert.Contains(refusals, l => l.Message.Contains("FSD ups", StringComparison.Ordinal));
        Assert.Contains(refusals, l => l.Message.Contains("SET ups battery.charge", StringComparison.Ordinal));
        Assert.Contains(refusals, l => l.Message.Contains("INSTCMD ups shutdown.return", StringComparison.Ordinal));
        Assert.False(s.Fsd.IsFsd(GatewayNutServer.DeviceId));
    }
}
