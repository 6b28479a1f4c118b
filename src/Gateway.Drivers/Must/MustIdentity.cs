namespace Gateway.Drivers.Must;

/// <summary>What a MUST UPS tells about itself (it has no serial-number register): machine type, firmware, battery class, rated power and work state.</summary>
public sealed record MustIdentity(ushort MachineType, ushort Firmware, ushort BatteryClassVolts, ushort RatedPowerWatts, MustWorkState WorkState);
