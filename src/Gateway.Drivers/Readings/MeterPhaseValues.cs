namespace Gateway.Drivers.Readings;

/// <summary>Values of one phase (or the system total). Null means the meter did not report a value (e.g. overflow 0x7FFFFFFF).</summary>
public sealed record MeterPhaseValues(
    double? Voltage = null,
    double? LineVoltage = null,
    double? Current = null,
    double? Power = null,
    double? ApparentPower = null,
    double? ReactivePower = null,
    double? PowerFactor = null,
    double? ImportEnergy = null)
{
    public static readonly MeterPhaseValues Empty = new();
}
