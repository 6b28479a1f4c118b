namespace Gateway.Drivers.Modbus;

public enum ModbusFrameError
{
    /// <summary>Bytes arrived but no frame with a valid CRC could be found in them.</summary>
    Garbage,
    /// <summary>A frame started but stopped before its declared length.</summary>
    Truncated,
    /// <summary>A valid frame came from another slave id.</summary>
    WrongSlave,
    /// <summary>A valid frame answered another function.</summary>
    WrongFunction,
    /// <summary>A valid frame whose content does not match the request (byte count, echoed address or value).</summary>
    Mismatch,
    /// <summary>An exception reply with a code outside the standard set.</summary>
    UnknownExceptionCode,
}
