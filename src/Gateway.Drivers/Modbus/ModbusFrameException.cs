namespace Gateway.Drivers.Modbus;

/// <summary>A corrupt, truncated or mismatched reply. Counted and skipped; the next request starts clean.</summary>
public sealed class ModbusFrameException(ModbusFrameError error, string message) : ModbusError(message)
{
    public ModbusFrameError Error { get; } = error;
}
