namespace Gateway.Drivers.Em340;

/// <summary>What the identity probe learned about the meter.</summary>
/// <param name="MeasurementMode">'A' (easy connection, values ≥ 0) or 'B' (bidirectional, signed); null when unreadable.</param>
public sealed record Em340Identity(ushort ModelCode, string Model, string? Serial, string? Firmware, char? MeasurementMode, bool HasDecimalEnergies)
{
    public bool HighWordFirst => ModelCode == Em340RegisterMap.MsbFirstModel;
}
