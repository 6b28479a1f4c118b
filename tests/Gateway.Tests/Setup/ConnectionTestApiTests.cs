using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Gateway.Tests.HomeAssistant;
using Gateway.Tests.Nut;
using Gateway.Tests.Support;
using Gateway.Tests.Web;

namespace Gateway.Tests.Setup;

/// <summary>
/// The upstream NUT and MQTT broker test buttons through the HTTP API against a real upsd with dummy-ups and a
/// real mosquitto with a password file: success, each failure in words, and saved secrets used without being sent.
/// </summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class ConnectionTestApiTests
{
    [Fact]
    public async Task Nut_test_reads_the_ups_and_explains_a_wrong_password_and_a_closed_port()
    {
        await using var upsd = await RealUpsd.StartAsync();
        await using var host = await ApiTestHost.StartAsync($"""
            web:
              api_token: {ApiTestHost.Token}
            devices:
              - id: nas
                type: nut
                host: 127.0.0.1
                port: {upsd.Port}
                ups: {RealUpsd.UpsName}
                username: monuser
                password: secret
              - id: nas-tls
                type: nut
                host: 127.0.0.1
                port: {upsd.Port}
                ups: {RealUpsd.UpsName}
                tls: true
                tls_fingerprint: {new string('a', 64)}
            """);

        var saved = await host.PostOk("/api/setup/nut/test", """{"device":"nas"}""");
        Assert.True(saved.GetProperty("ok").GetBoolean(), saved.ToString());
        Assert.Contains("status OL CHRG", saved.GetProperty("message").GetString());
        Assert.Contains(saved.GetProperty("steps").EnumerateArray(), s => s.GetProperty("text").GetString() == "logged in to dummy as 'monuser'");

        var denied = await host.PostOk("/api/setup/nut/test", """{"device":"nas","password":"wrong"}""");
        Assert.False(denied.GetProperty("ok").GetBoolean());
        Assert.Equal("access_denied", denied.GetProperty("status").GetString());
        Assert.Contains("access denied for user 'monuser'", denied.GetProperty("message").GetString());

        var closed = await host.PostOk("/api/setup/nut/test", $$"""{"host":"127.0.0.1","port":{{NutProcess.FreePort()}}}""");
        Assert.Equal("connect_failed", closed.GetProperty("status").GetString());
        Assert.Contains("upsd", closed.GetProperty("fix").GetString());

        // A device configured with tls: true is tested with STARTTLS, as its driver connects (this upsd has no certificate).
        var tls = await host.PostOk("/api/setup/nut/test", """{"device":"nas-tls"}""");
        Assert.Equal("tls_failed", tls.GetProperty("status").GetString());
        Assert.Contains("STARTTLS", tls.GetProperty("message").GetString());
        Assert.Contains("CERTFILE", tls.GetProperty("fix").GetString());

        var (unknown, json) = await host.PostJson("/api/setup/nut/test", """{"device":"ghost"}""");
        Assert.Equal(404, (int)unknown.StatusCode);
        Assert.Contains("ghost", json.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Mqtt_test_connects_and_says_refused_unreachable_or_timed_out()
    {
        await using var broker = await MosquittoBroker.StartAsync();
        await using var host = await ApiTestHost.StartAsync($"""
            web:
              api_token: {ApiTestHost.Token}
            mqtt:
              host: 127.0.0.1
              port: {broker.Port}
              username: {MosquittoBroker.User}
              password: {MosquittoBroker.Password}
            """);

        var saved = await host.PostOk("/api/setup/mqtt/test", "{}");
        Assert.True(saved.GetProperty("ok").GetBoolean(), saved.ToString());
        Assert.Contains($"as '{MosquittoBroker.User}'", saved.GetProperty("message").GetString());

        var refused = await host.PostOk("/api/setup/mqtt/test", """{"password":"not-the-password"}""");
        Assert.Equal("refused", refused.GetProperty("status").GetString());
        Assert.Contains($"rejected the credentials of user '{MosquittoBroker.User}'", refused.GetProperty("message").GetString());

        var closed = await host.PostOk("/api/setup/mqtt/test", $$"""{"port":{{Support.FreePort.Next()}}}""");
        Assert.Equal("unreachable", closed.GetProperty("status").GetString());
        Assert.Contains("connection refused", closed.GetProperty("message").GetString());

        // A port that accepts but never speaks MQTT (e.g. a firewall or the wrong service).
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var silentPort = ((IPEndPoint)silent.LocalEndpoint).Port;
        var timeout = await host.PostOk("/api/setup/mqtt/test", $$"""{"port":{{silentPort}}}""");
        Assert.Equal("timeout", timeout.GetProperty("status").GetString());
        Assert.Contains("No answer", timeout.GetProperty("message").GetString());
    }
}
