namespace Gateway.HomeAssistant;

/// <summary>
/// Reconnect delays: short after a dropped connection, doubling up to <see cref="Max"/> while the broker refuses
/// us (credentials, protocol). While the broker is simply unreachable the delay stays at most
/// <see cref="UnreachableMax"/>: a connection attempt costs one SYN, and a restarted broker must see the
/// gateway back within 2 s.
/// </summary>
public sealed record MqttBackoff(TimeSpan Initial, TimeSpan Max, TimeSpan UnreachableMax)
{
    public static MqttBackoff Default { get; } = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));

    /// <summary>The pause before attempt number <paramref name="failures"/> + 1 (failures ≥ 1).</summary>
    public TimeSpan Delay(int failures)
    {
        var exponent = Math.Clamp(failures - 1, 0, 20);
        var ms = Initial.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(ms, Max.TotalMilliseconds));
    }

    /// <summary>The pause when the broker could not be reached at all (refused TCP connection, no route, timeout).</summary>
    public TimeSpan DelayUnreachable(int failures) => Delay(failures) < UnreachableMax ? Delay(failures) : UnreachableMax;
}
