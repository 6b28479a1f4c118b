namespace Gateway.Notifications;

/// <summary>A power-quality condition started or ended on one device.</summary>
/// <param name="Condition">brownout, overvoltage, avr_boost, avr_trim, overload or bypass.</param>
public sealed record PowerQualityChange(string DeviceId, string Condition, bool Active, string Message);
