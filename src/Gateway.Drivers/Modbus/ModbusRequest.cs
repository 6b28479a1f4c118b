namespace Gateway.Drivers.Modbus;

/// <summary>
/// One request as sent on the wire. For reads <see cref="Count"/> is the register count; for FC06 and FC16
/// <see cref="Values"/> holds what is written.
/// </summary>
public sealed record ModbusRequest(byte Slave, ModbusFunction Function, ushort Address, ushort Count, ushort[]? Values = null)
{
    public const int MaxReadCount = 125;
    public const int MaxWriteCount = 123;

    public static ModbusRequest Read(byte slave, ModbusFunction function, ushort address, ushort count)
    {
        if (function is not (ModbusFunction.ReadHoldingRegisters or ModbusFunction.ReadInputRegisters))
            throw new ArgumentException("not a read function", nameof(function));
        if (count is < 1 or > MaxReadCount) throw new ArgumentOutOfRangeException(nameof(count), count, "1..125 registers");
        return new(slave, function, address, count);
    }

    public static ModbusRequest WriteSingle(byte slave, ushort address, ushort value) =>
        new(slave, ModbusFunction.WriteSingleRegister, address, 1, [value]);

    public static ModbusRequest WriteMultiple(byte slave, ushort address, ushort[] values)
    {
        if (values.Length is < 1 or > MaxWriteCount) throw new ArgumentOutOfRangeException(nameof(values), values.Length, "1..123 registers");
        return new(slave, ModbusFunction.WriteMultipleRegisters, address, (ushort)values.Length, values);
    }

    public bool IsRead => Function is ModbusFunction.ReadHoldingRegisters or ModbusFunction.ReadInputRegisters;

    /// <summary>The length of a complete normal reply to this request.</summary>
    public int ReplyLength => IsRead ? 5 + 2 * Count : 8;

    public override string ToString() => $"slave {Slave} fc{(byte)Function:X2} @{Address} ×{Count}";
}
