using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;

namespace Gateway.Tests.HomeAssistant;

/// <summary>The Mosquitto ACL example in docs/security.md, enforced by a real mosquitto: it must let the gateway publish its
/// topics and Home Assistant read them and press its buttons, and nothing else.</summary>
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class MosquittoAclExampleTests
{
    private const string HaUser = "homeassistant";
    private const string HaPassword = "ha-pass-123";
    private const string OtherUser = "plug";
    private const string OtherPassword = "plug-pass-123";

    /// <summary>The ACL block of docs/security.md, for a gateway named testgw instead of garage.</summary>
    private static string AclFromDocs()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "security.md"));
        var start = doc.IndexOf("# /etc/mosquitto/acl", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/security.md has no Mosquitto ACL example");
        var end = doc.IndexOf("```", start, StringComparison.Ordinal);
        return doc[start..end].Replace("gateway/garage/", "gateway/testgw/", StringComparison.Ordinal);
    }

    private static async Task<(IMqttClient Client, ConcurrentDictionary<string, string> Seen)> ConnectAsync(int port, string user, string password, params string[] filters)
    {
        var seen = new ConcurrentDictionary<string, string>();
        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            seen[e.ApplicationMessage.Topic] = Encoding.UTF8.GetString(e.ApplicationMessage.Payload);
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials(user, password)
            .WithClientId(user + "-" + Guid.NewGuid().ToString("N")[..6]).Build());
        var sub = new MqttClientSubscribeOptionsBuilder();
        foreach (var f in filters) sub.WithTopicFilter(f, MqttQualityOfServiceLevel.AtLeastOnce);
        if (filters.Length > 0) await client.SubscribeAsync(sub.Build());
        return (client, seen);
    }

    [Fact]
    public async Task The_documented_acl_lets_the_gateway_publish_and_home_assistant_press_buttons_and_nothing_else()
    {
        await using var broker = await MosquittoBroker.StartAsync(acl: AclFromDocs(),
            users: new Dictionary<string, string> { [HaUser] = HaPassword, [OtherUser] = OtherPassword });
        var (ha, haSeen) = await ConnectAsync(broker.Port, HaUser, HaPassword, "homeassistant/#", "gateway/#");
        var (other, otherSeen) = await ConnectAsync(broker.Port, OtherUser, OtherPassword, "gateway/#");
        try
        {
            await using var gw = GatewayUnderTest.Create(broker.Port);
            gw.Hub.Publish(gw.UpsReading());
            await gw.StartAsync();
            await Wait.UntilAsync(() => haSeen.ContainsKey("homeassistant/sensor/testgw_ups1/battery_charge/config") && haSeen.ContainsKey(GatewayUnderTest.Base + "/ups1/state"),
                "Home Assistant to read the gateway's discovery and state");

            // Another client of the broker may neither read the gateway nor press its buttons.
            await other.PublishStringAsync(GatewayUnderTest.Base + "/ups1/command/battery_test", "PRESS", MqttQualityOfServiceLevel.AtLeastOnce);
            await Task.Delay(1000);
            Assert.Empty(gw.Ups.Executed);
            // Home Assistant may not fake the gateway's state, but may press its buttons.
            await ha.PublishStringAsync(GatewayUnderTest.Base + "/ups1/state", "{\"fake\":true}", MqttQualityOfServiceLevel.AtLeastOnce, retain: true);
            await ha.PublishStringAsync(GatewayUnderTest.Base + "/ups1/command/battery_test", "PRESS", MqttQualityOfServiceLevel.AtLeastOnce);
            await Wait.UntilAsync(() => gw.Ups.Executed.Contains("test.battery.start.quick"), "Home Assistant's press to run the battery test");
            Assert.DoesNotContain("fake", haSeen[GatewayUnderTest.Base + "/ups1/state"]);
            Assert.Empty(otherSeen);
        }
        finally
        {
            await ha.DisconnectAsync();
            await other.DisconnectAsync();
            ha.Dispose();
            other.Dispose();
        }
    }
}
