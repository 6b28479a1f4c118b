namespace Gateway.Drivers.Modbus;

/// <summary>How often a register row is read: every poll, or only at a device's slower rate (counters that move slowly).</summary>
public enum ModbusReadTier
{
    EveryPoll,
    Slow,
}
