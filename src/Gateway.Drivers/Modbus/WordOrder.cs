namespace Gateway.Drivers.Modbus;

/// <summary>Which register of a 32-bit value comes first on the wire (the bytes within a register are always big-endian).</summary>
public enum WordOrder
{
    /// <summary>ABCD: the high word at the lower address (Modbus convention, Eastron, most meters).</summary>
    HighFirst,
    /// <summary>CDAB: the low word first (Carlo Gavazzi).</summary>
    LowFirst,
}
