namespace Gateway.Drivers.Modbus;

/// <summary>A decoded normal reply: where it sat in the receive buffer and, for reads, the registers.</summary>
/// <param name="Start">Offset of the frame in the buffer; bytes before it were noise.</param>
public readonly record struct ModbusResponse(int Start, int Length, ushort[] Registers)
{
    public int End => Start + Length;
}
