namespace Gateway.Drivers.Modbus;

public enum ModbusRequestDecodeStatus
{
    /// <summary>Not enough bytes yet.</summary>
    NeedMore,
    /// <summary>A request with a valid CRC was decoded.</summary>
    Request,
    /// <summary>The leading bytes cannot start a valid request; drop <c>consumed</c> bytes and try again.</summary>
    Skip,
}
