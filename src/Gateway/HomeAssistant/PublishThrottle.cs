using System.Text.Json;
using Gateway.Configuration;

namespace Gateway.HomeAssistant;

/// <summary>
/// Decides which device state documents reach Home Assistant (like Zigbee2MQTT's debounce, per value): a
/// document whose text values (status, power, flags) changed goes out at once; otherwise it goes out only when a
/// number moved beyond its deadband since it was last published and its minimum interval has passed. A document
/// held back is kept, so the periodic refresh and a reconnect send the newest values. Not thread-safe: the
/// caller holds the bridge's lock.
/// </summary>
public sealed class PublishThrottle(PublishPolicyOptions policy, TimeProvider time)
{
    private readonly Dictionary<string, DeviceState> _devices = new(StringComparer.Ordinal);

    public long Published { get; private set; }
    public long HeldBack { get; private set; }

    /// <summary>True when <paramref name="doc"/> (a flat JSON object) should be published now; else it is held.</summary>
    public bool ShouldPublish(string deviceId, byte[] doc)
    {
        var state = State(deviceId);
        var now = time.GetTimestamp();
        var publish = state.Values.Count == 0;
        var reader = new Utf8JsonReader(doc);
        while (!publish && reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName) continue;
            var key = reader.GetString()!;
            reader.Read();
            var found = state.Values.TryGetValue(key, out var last);
            if (reader.TokenType == JsonTokenType.Number)
            {
                var v = reader.GetDouble();
                if (!found || last.Number is not { } before) { publish = true; break; }
                var (minInterval, deadband) = policy.For(deviceId, key);
                if (Math.Abs(v - before) > Math.Max(Math.Abs(before) * deadband / 100, 1e-9) && time.GetElapsedTime(last.At, now) >= minInterval)
                    publish = true;
            }
            else
            {
                var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : reader.TokenType.ToString();
                if (!found || last.Number is not null || last.Text != text) publish = true;
            }
        }
        if (publish) return true;
        state.Held = doc;
        HeldBack++;
        return false;
    }

    /// <summary>The newest document held back since the last publish, if any; it is handed over once.</summary>
    public byte[]? TakeHeld(string deviceId)
    {
        var state = State(deviceId);
        var held = state.Held;
        state.Held = null;
        return held;
    }

    /// <summary>Records what went out: the values the deadbands are measured from from now on.</summary>
    public void Record(string deviceId, byte[] doc)
    {
        var state = State(deviceId);
        var now = time.GetTimestamp();
        state.Held = null;
        Published++;
        var reader = new Utf8JsonReader(doc);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName) continue;
            var key = reader.GetString()!;
            reader.Read();
            state.Values[key] = reader.TokenType switch
            {
                JsonTokenType.Number => (reader.GetDouble(), null, now),
                JsonTokenType.String => (null, reader.GetString(), now),
                _ => (null, reader.TokenType.ToString(), now),
            };
        }
    }

    private DeviceState State(string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var s)) _devices[deviceId] = s = new DeviceState();
        return s;
    }

    private sealed class DeviceState
    {
        public Dictionary<string, (double? Number, string? Text, long At)> Values { get; } = new(StringComparer.Ordinal);
        public byte[]? Held { get; set; }
    }
}
