namespace Gateway.Drivers.Modbus;

/// <summary>
/// One row of a device's register table: where a value lives (function 03 holding / 04 input, address), how
/// it is laid out, the scale to its unit, and the raw value that means "no value" (an overflow marker).
/// </summary>
/// <param name="Key">The metric key the value is published under.</param>
/// <param name="Scale">Raw × scale = the value in <paramref name="Unit"/>.</param>
/// <param name="NoValue">A raw value (as read, before scaling) that means "no value", e.g. 0x7FFFFFFF.</param>
/// <param name="Tier">Read every poll (default) or only at the device's slower rate; the last value is carried in between.</param>
public sealed record ModbusRegister(
    string Key,
    ushort Address,
    RegisterType Type,
    double Scale = 1,
    string Unit = "",
    WordOrder WordOrder = WordOrder.HighFirst,
    ModbusFunction Function = ModbusFunction.ReadHoldingRegisters,
    long? NoValue = null,
    ModbusReadTier Tier = ModbusReadTier.EveryPoll)
{
    public int Words => Type is RegisterType.U16 or RegisterType.S16 ? 1 : 2;

    /// <summary>The address after the last register of this value.</summary>
    public int End => Address + Words;
}
