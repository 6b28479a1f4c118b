namespace Gateway.Drivers.Modbus;

/// <summary>The slave answered with an exception reply (function | 0x80, code). The link itself is fine.</summary>
public sealed class ModbusSlaveException(byte slave, ModbusFunction function, ModbusExceptionCode code)
    : ModbusError($"slave {slave} refused function 0x{(byte)function:X2}: {Describe(code)} (exception code {(byte)code})")
{
    public byte Slave { get; } = slave;
    public ModbusFunction Function { get; } = function;
    public ModbusExceptionCode Code { get; } = code;

    public static string Describe(ModbusExceptionCode code) => code switch
    {
        ModbusExceptionCode.IllegalFunction => "illegal function",
        ModbusExceptionCode.IllegalDataAddress => "illegal data address",
        ModbusExceptionCode.IllegalDataValue => "illegal data value",
        ModbusExceptionCode.SlaveDeviceFailure => "slave device failure",
        ModbusExceptionCode.Acknowledge => "acknowledge (processing, poll later)",
        ModbusExceptionCode.SlaveDeviceBusy => "slave device busy",
        ModbusExceptionCode.NegativeAcknowledge => "negative acknowledge",
        ModbusExceptionCode.MemoryParityError => "memory parity error",
        ModbusExceptionCode.GatewayPathUnavailable => "gateway path unavailable",
        ModbusExceptionCode.GatewayTargetFailedToRespond => "gateway target failed to respond",
        _ => "unknown exception code",
    };
}
