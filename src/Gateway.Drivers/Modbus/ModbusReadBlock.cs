namespace Gateway.Drivers.Modbus;

/// <summary>One planned read: <see cref="Count"/> registers from <see cref="Start"/> with <see cref="Function"/>.</summary>
public readonly record struct ModbusReadBlock(ModbusFunction Function, ushort Start, ushort Count)
{
    public int End => Start + Count;
    public bool Covers(ModbusRegister r) => r.Function == Function && r.Address >= Start && r.End <= End;
}
