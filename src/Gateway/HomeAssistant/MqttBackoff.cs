namespace Gateway.HomeAssistant;

/// <summary>Reconnect delays: short after a dropped connection (a restarting broker is back quickly), doubling up to a cap.</summary>
public sealed record MqttBackoff(TimeSpan Initial, TimeSpan Max)
{
    public static MqttBackoff Default { get; } = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    /// <summary>The pause before attempt number <paramref name="failures"/> + 1 (failures ≥ 1).</summary>
    public TimeSpan Delay(int failures)
    {
        var exponent = Math.Clamp(failures - 1, 0, 20);
        var ms = Initial.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(ms, Max.TotalMilliseconds));
    }
}
