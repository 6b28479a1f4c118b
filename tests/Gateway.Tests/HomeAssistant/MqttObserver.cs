using System.Collections.Concurrent;
using System.Text;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Gateway.Tests.HomeAssistant;

/// <summary>A test-side MQTT client standing in for Home Assistant: records every message it sees.</summary>
public sealed class MqttObserver : IAsyncDisposable
{
    public sealed record Seen(string Topic, string Payload, bool Retain, MqttQualityOfServiceLevel Qos, DateTime At);

    private readonly IMqttClient _client;
    private readonly ConcurrentQueue<Seen> _all = new();

    private MqttObserver(IMqttClient client) => _client = client;

    /// <summary>Latest payload per topic (an empty payload removes the topic, like a retained clear).</summary>
    public ConcurrentDictionary<string, Seen> Latest { get; } = new(StringComparer.Ordinal);
    public IReadOnlyCollection<Seen> All => _all;

    public static async Task<MqttObserver> ConnectAsync(int port, params string[] filters)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var o = new MqttObserver(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            var s = new Seen(m.Topic, Encoding.UTF8.GetString(m.Payload), m.Retain, m.QualityOfServiceLevel, DateTime.UtcNow);
            o._all.Enqueue(s);
            if (s.Payload.Length == 0) o.Latest.TryRemove(m.Topic, out _);
            else o.Latest[m.Topic] = s;
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials(MosquittoBroker.User, MosquittoBroker.Password)
            .WithProtocolVersion(MqttProtocolVersion.V500).WithClientId("observer-" + Guid.NewGuid().ToString("N")[..8]).Build();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await client.ConnectAsync(options, cts.Token);
        var sub = new MqttClientSubscribeOptionsBuilder();
        foreach (var f in filters) sub.WithTopicFilter(t => t.WithTopic(f).WithAtLeastOnceQoS().WithRetainAsPublished());
        await client.SubscribeAsync(sub.Build(), cts.Token);
        return o;
    }

    public Task PublishAsync(string topic, string payload, bool retain) =>
        _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client.IsConnected) await _client.DisconnectAsync();
        }
        catch (Exception) { }
        _client.Dispose();
    }
}
