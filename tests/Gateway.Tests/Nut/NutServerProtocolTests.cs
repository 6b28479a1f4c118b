using Gateway.Drivers.Readings;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Nut;

/// <summary>The gateway's NUT server over real TCP: upsd's exact replies, error words and check order.</summary>
public sealed class NutServerProtocolTests
{
    private static async Task<List<string>> Talk(GatewayNutServer s, int expected, params string[] lines) =>
        await NutProcess.ConverseAsync(s.Port, string.Join("", lines.Select(l => l + "\n")), expected);

    [Fact]
    public async Task Transcript_matches_upsd()
    {
        await using var s = await GatewayNutServer.StartAsync();
        var r = await Talk(s, 16,
            "LIST UPS", "GET VAR ups ups.status", "STARTTLS", "LOGIN ups", "USERNAME monuser", "PASSWORD secret", "LOGIN ups",
            "GET NUMLOGINS ups", "LIST CLIENT ups", "FSD ups", "LOGOUT");
        Assert.Equal(
        [
            "BEGIN LIST UPS", "UPS ups \"Rack UPS\"", "END LIST UPS",
            "VAR ups ups.status \"OL CHRG\"",
            "ERR FEATURE-NOT-CONFIGURED",
            "ERR USERNAME-REQUIRED",
            "OK", "OK", "OK",
            "NUMLOGINS ups 1",
            "BEGIN LIST CLIENT ups", "CLIENT ups 127.0.0.1", "END LIST CLIENT ups",
            "ERR ACCESS-DENIED",
            "OK Goodbye",
        ], r);
        await NutProcess.WaitUntilAsync(() => s.Fsd.LoginCount(GatewayNutServer.DeviceId) == 0, "the logout to be counted");
    }

    [Fact]
    public async Task Simple_commands_names_echo_and_quoting()
    {
        await using var s = await GatewayNutServer.StartAsync();
        var r = await Talk(s, 12,
            "VER", "NETVER", "PROTVER", "HELP", "get var UPS battery.charge", "GET VAR ups ups.model", "GET TYPE ups battery.charge",
            "GET TYPE ups ups.mfr", "GET UPSDESC ups", "GET DESC ups ups.status", "GET CMDDESC ups beeper.disable", "GET VAR ups server.version");
        Assert.Equal("Network UPS Tools upsd 2.8.0 - http://www.networkupstools.org/", r[0]);
        Assert.Equal(["1.3", "1.3"], r[1..3]);
        Assert.Equal("Commands: HELP VER GET LIST SET INSTCMD LOGIN LOGOUT USERNAME PASSWORD STARTTLS", r[3]);
        Assert.Equal("VAR UPS battery.charge \"87\"", r[4]);
        Assert.Equal("VAR ups ups.model \"EP20-1000 \\\"pro\\\" \\#1\"", r[5]);
        Assert.Equal("TYPE ups battery.charge NUMBER", r[6]);
        Assert.Equal("TYPE ups ups.mfr STRING:64", r[7]);
        Assert.Equal("UPSDESC ups \"Rack UPS\"", r[8]);
        Assert.Equal("DESC ups ups.status \"UPS status\"", r[9]);
        Assert.StartsWith("CMDDESC ups beeper.disable \"", r[10]);
        Assert.Equal("VAR ups server.version \"2.8.0\"", r[11]);
    }

    [Fact]
    public async Task Lists_are_complete_sorted_and_never_errors_for_rw_enum_range()
    {
        await using var s = await GatewayNutServer.StartAsync();
        var reading = (UpsReading)s.Hub.Get(GatewayNutServer.DeviceId)!.Latest!;
        var n = reading.Variables.Count;
        var r = await Talk(s, n + 2 + 2 + 6 + 2 + 2, "LIST VAR ups", "LIST RW ups", "LIST CMD ups", "LIST ENUM ups ups.status", "LIST RANGE ups ups.status");
        var vars = r.Take(n + 2).ToList();
        Assert.Equal("BEGIN LIST VAR ups", vars[0]);
        Assert.Equal("END LIST VAR ups", vars[^1]);
        var names = vars.Skip(1).Take(n).Select(l => l.Split(' ')[2]).ToList();
        Assert.Equal(reading.Variables.Keys.ToList(), names);
        Assert.Equal(names.Order(StringComparer.Ordinal).ToList(), names);
        Assert.Equal(["BEGIN LIST RW ups", "END LIST RW ups"], r.Skip(n + 2).Take(2));
        Assert.Equal(["BEGIN LIST CMD ups", "CMD ups beeper.disable", "CMD ups beeper.enable", "CMD ups shutdown.return", "CMD ups test.battery.start", "END LIST CMD ups"],
            r.Skip(n + 4).Take(6));
        Assert.Equal(["BEGIN LIST ENUM ups ups.status", "END LIST ENUM ups ups.status", "BEGIN LIST RANGE ups ups.status", "END LIST RANGE ups ups.status"], r.Skip(n + 10));
    }

    [Fact]
    public async Task Errors_for_unknown_things_and_bad_arguments()
    {
        await using var s = await GatewayNutServer.StartAsync();
        var r = await Talk(s, 12,
            "GET VAR nosuch ups.status", "GET VAR ups nosuch.var", "LIST VAR", "LIST FOO ups", "GET FOO ups x", "FROB",
            "USERNAME", "USERNAME a b", "USERNAME a", "USERNAME b", "LIST VAR nosuch", "GET VAR ups");
        Assert.Equal(
        [
            "ERR UNKNOWN-UPS", "ERR VAR-NOT-SUPPORTED", "ERR INVALID-ARGUMENT", "ERR INVALID-ARGUMENT", "ERR INVALID-ARGUMENT",
            "ERR UNKNOWN-COMMAND", "ERR INVALID-ARGUMENT", "ERR INVALID-ARGUMENT", "OK", "ERR ALREADY-SET-USERNAME",
            "ERR UNKNOWN-UPS", "ERR INVALID-ARGUMENT",
        ], r);
    }

    [Fact]
    public async Task Stale_and_lost_devices_answer_like_upsd_but_list_ups_still_works()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z"));
        await using var s = await GatewayNutServer.StartAsync(time);
        s.Hub.ReportLinkState(GatewayNutServer.DeviceId, LinkState.Stale, "test");
        var r = await Talk(s, 9, "GET VAR ups ups.status", "LIST VAR ups", "GET NUMLOGINS ups", "LIST UPS", "GET UPSDESC ups", "LIST CLIENT ups");
        Assert.Equal(["ERR DATA-STALE", "ERR DATA-STALE", "ERR DATA-STALE", "BEGIN LIST UPS"], r[..4]);
        Assert.Equal("UPSDESC ups \"Rack UPS\"", r[6]);
        Assert.Equal("BEGIN LIST CLIENT ups", r[7]);

        s.Hub.ReportLinkState(GatewayNutServer.DeviceId, LinkState.Lost, "test");
        Assert.Equal(["ERR DRIVER-NOT-CONNECTED", "ERR DRIVER-NOT-CONNECTED"], await Talk(s, 2, "GET VAR ups ups.status", "LIST CMD ups"));

        s.Publish("OB DISCHRG");
        Assert.Equal(["VAR ups ups.status \"OB DISCHRG\""], await Talk(s, 1, "GET VAR ups ups.status"));
        // A reading older than max_age (15 s) is stale even if the hub has not noticed yet.
        time.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(["ERR DATA-STALE"], await Talk(s, 1, "GET VAR ups ups.status"));
    }

    [Fact]
    public async Task Never_published_device_is_driver_not_connected()
    {
        await using var s = await GatewayNutServer.StartAsync(publish: false);
        Assert.Equal(["ERR DRIVER-NOT-CONNECTED"], await Talk(s, 1, "GET VAR ups ups.status"));
    }

    [Fact]
    public async Task Fsd_from_a_primary_latches_into_status_and_the_signal_works_too()
    {
        await using var s = await GatewayNutServer.StartAsync();
        var r = await Talk(s, 6, "USERNAME boss", "PASSWORD bosspw", "PRIMARY ups", "MASTER ups", "FSD ups", "GET VAR ups ups.status");
        Assert.Equal(["OK", "OK", "OK PRIMARY-GRANTED", "OK MASTER-GRANTED", "OK FSD-SET", "VAR ups ups.status \"FSD OL CHRG\""], r);
        Assert.True(s.Fsd.IsFsd(GatewayNutServer.DeviceId));
        // The latch survives new readings; LIST VAR shows it too.
        s.Publish("OB DISCHRG LB");
        var list = await Talk(s, GatewayNutServer.DefaultVariables.Count + 3, "LIST VAR ups");
        Assert.Contains("VAR ups ups.status \"FSD OB LB DISCHRG\"", list);
    }

    [Fact]
    public async Task Fsd_signal_from_the_shutdown_policy()
    {
        await using var s = await GatewayNutServer.StartAsync();
        s.Fsd.SetFsd(GatewayNutServer.DeviceId, "policy");
        Assert.Equal(["VAR ups ups.status \"FSD OL CHRG\""], await Talk(s, 1, "GET VAR ups ups.status"));
    }

    [Fact]
    public async Task Privileged_commands_check_users_in_upsd_order()
    {
        await using var s = await GatewayNutServer.StartAsync();
        var r = await Talk(s, 12,
            "INSTCMD ups beeper.disable",                         // no username
            "USERNAME beeper", "INSTCMD ups beeper.disable",      // no password
            "PASSWORD bp",
            "INSTCMD nosuch beeper.disable",                      // UNKNOWN-UPS first
            "INSTCMD ups load.off",                               // not a command of this UPS
            "INSTCMD ups beeper.enable",                          // not in this user's instcmds
            "INSTCMD ups beeper.disable",                         // allowed
            "FSD ups",                                            // secondary may not FSD
            "PRIMARY ups",
            "SET VAR ups ups.load 5",                             // no SET right
            "INSTCMD ups");
        Assert.Equal(
        [
            "ERR USERNAME-REQUIRED", "OK", "ERR PASSWORD-REQUIRED", "OK", "ERR UNKNOWN-UPS", "ERR CMD-NOT-SUPPORTED", "ERR ACCESS-DENIED", "OK",
            "ERR ACCESS-DENIED", "ERR ACCESS-DENIED", "ERR ACCESS-DENIED", "ERR INVALID-ARGUMENT",
        ], r);
        Assert.Equal(["beeper.disable"], s.Driver.Executed);

        var admin = await Talk(s, 8, "USERNAME admin", "PASSWORD adminpw", "INSTCMD ups test.battery.start", "INSTCMD ups shutdown.return",
            "SET VAR ups ups.load 5", "SET VAR ups no.such 1", "SET TRACKING ON", "INSTCMD ups beeper.enable");
        // shutdown.return cuts the load: refused even for admin unless the device's allowed_dangerous_commands names it.
        Assert.Equal(["OK", "OK", "OK", "ERR ACCESS-DENIED", "ERR READONLY", "ERR VAR-NOT-SUPPORTED", "OK"], admin[..7]);
        Assert.StartsWith("OK TRACKING ", admin[7]);
        var id = admin[7]["OK TRACKING ".Length..];
        Assert.Equal(["SUCCESS", "ERR UNKNOWN", "OFF"], await Talk(s, 3, $"GET TRACKING {id}", "GET TRACKING 123", "GET TRACKING"));

        var wrongPassword = await Talk(s, 3, "USERNAME admin", "PASSWORD nope", "INSTCMD ups beeper.enable");
        Assert.Equal(["OK", "OK", "ERR ACCESS-DENIED"], wrongPassword);
    }

    [Fact]
    public async Task Login_twice_and_numlogins_follow_connections()
    {
        await using var s = await GatewayNutServer.StartAsync();
        using var a = new System.Net.Sockets.TcpClient();
        await a.ConnectAsync(System.Net.IPAddress.Loopback, s.Port);
        await a.GetStream().WriteAsync("USERNAME monuser\nPASSWORD secret\nLOGIN ups\nLOGIN ups\n"u8.ToArray());
        var reader = new Gateway.Drivers.Nut.NutLineReader(a.GetStream());
        var got = new List<string>();
        for (var i = 0; i < 4; i++) got.Add((await reader.ReadLineAsync(default)).Line!);
        Assert.Equal(["OK", "OK", "OK", "ERR ALREADY-LOGGED-IN"], got);
        Assert.Equal(["NUMLOGINS ups 1"], await Talk(s, 1, "GET NUMLOGINS ups"));
        a.Close();
        await NutProcess.WaitUntilAsync(() => s.Fsd.LoginCount(GatewayNutServer.DeviceId) == 0, "NUMLOGINS to drop when the client goes");
    }

    [Fact]
    public async Task Starttls_without_certificate_and_health()
    {
        await using var s = await GatewayNutServer.StartAsync();
        var health = new Gateway.NutServer.NutServerHealth(s.Status, s.Handler).Check();
        Assert.Equal("listening", health.State);
        Assert.True(health.Healthy);
        Assert.Contains($"127.0.0.1:{s.Port}", health.Detail);
        Assert.Contains("0 wrong passwords", health.Detail);
    }

    [Fact]
    public async Task Listening_on_a_busy_port_is_reported_not_thrown()
    {
        await using var first = await GatewayNutServer.StartAsync();
        var options = GatewayNutServer.DefaultOptions with { Listen = [$"127.0.0.1:{first.Port}"] };
        await using var second = await GatewayNutServer.StartAsync(options: options);
        Assert.Equal("failed", second.Status.State);
        Assert.False(new Gateway.NutServer.NutServerHealth(second.Status, second.Handler).Check().Healthy);
    }
}
