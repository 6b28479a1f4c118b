using Gateway.Configuration;

namespace Gateway.HomeAssistant;

/// <summary>
/// Decides which device state documents reach Home Assistant (like Zigbee2MQTT's debounce, per value): a
/// document whose text values (status, power, flags) changed goes out at once; otherwise it goes out only when a
/// number moved beyond its deadband since it was last published and its minimum interval has passed. The values
/// held back are kept, so the periodic refresh and a reconnect send the newest ones. It compares values, not JSON:
/// a reading that is not sent is never formatted. Not thread-safe: the caller holds the bridge's lock.
/// </summary>
public sealed class PublishThrottle(PublishPolicyOptions policy, TimeProvider time)
{
    private readonly Dictionary<string, DeviceState> _devices = new(StringComparer.Ordinal);

    public long Published { get; private set; }
    public long HeldBack { get; private set; }

    /// <summary>True when the values are exactly those last published (nothing to send, nothing to hold).</summary>
    public bool SameAsPublished(string deviceId, IReadOnlyList<HaStateValue> values)
    {
        var state = State(deviceId);
        if (state.Values.Count != values.Count) return false;
        foreach (var v in values)
        {
            if (!state.Values.TryGetValue(v.Key, out var last) || last.Number != v.Number || last.Text != v.Text) return false;
        }
        return true;
    }

    /// <summary>True when the document of <paramref name="values"/> should be published now; else the values are held.</summary>
    public bool ShouldPublish(string deviceId, IReadOnlyList<HaStateValue> values)
    {
        var state = State(deviceId);
        var now = time.GetTimestamp();
        var publish = state.Values.Count == 0;
        for (var i = 0; !publish && i < values.Count; i++)
        {
            var v = values[i];
            state.Values.TryGetValue(v.Key, out var last);
            if (v.Number is { } number)
            {
                if (last?.Number is not { } before) { publish = true; break; }
                var (minInterval, deadband) = policy.For(deviceId, v.Key);
                if (Math.Abs(number - before) > Math.Max(Math.Abs(before) * deadband / 100, 1e-9) && time.GetElapsedTime(last.At, now) >= minInterval)
                    publish = true;
            }
            else if (last is null || last.Number is not null || last.Text != v.Text) publish = true;
        }
        if (publish) return true;
        state.Held.Clear();
        state.Held.AddRange(values);
        state.HasHeld = true;
        HeldBack++;
        return false;
    }

    /// <summary>
    /// The newest values held back since the last publish, if any; they are handed over once (the list is the
    /// throttle's own: read it before the next call).
    /// </summary>
    public IReadOnlyList<HaStateValue>? TakeHeld(string deviceId)
    {
        var state = State(deviceId);
        if (!state.HasHeld) return null;
        state.HasHeld = false;
        return state.Held;
    }

    /// <summary>Records what went out: the values the deadbands are measured from from now on.</summary>
    public void Record(string deviceId, IReadOnlyList<HaStateValue> values)
    {
        var state = State(deviceId);
        var now = time.GetTimestamp();
        state.HasHeld = false;
        Published++;
        foreach (var v in values)
        {
            if (state.Values.TryGetValue(v.Key, out var slot)) (slot.Number, slot.Text, slot.At) = (v.Number, v.Text, now);
            else state.Values[v.Key] = new Slot { Number = v.Number, Text = v.Text, At = now };
        }
    }

    /// <summary>Records that the values last published went out again (the periodic refresh, a reconnect).</summary>
    public void RecordAgain(string deviceId)
    {
        var state = State(deviceId);
        var now = time.GetTimestamp();
        state.HasHeld = false;
        Published++;
        foreach (var slot in state.Values.Values) slot.At = now;
    }

    private DeviceState State(string deviceId)
    {
        if (!_devices.TryGetValue(deviceId, out var s)) _devices[deviceId] = s = new DeviceState();
        return s;
    }

    private sealed class DeviceState
    {
        public Dictionary<string, Slot> Values { get; } = new(StringComparer.Ordinal);
        public List<HaStateValue> Held { get; } = [];
        public bool HasHeld { get; set; }
    }

    /// <summary>A value as last published; updated in place, so a publish inserts nothing.</summary>
    private sealed class Slot
    {
        public double? Number { get; set; }
        public string? Text { get; set; }
        public long At { get; set; }
    }
}
