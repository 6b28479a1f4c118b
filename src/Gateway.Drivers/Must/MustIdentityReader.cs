using Gateway.Drivers.Modbus;

namespace Gateway.Drivers.Must;

/// <summary>
/// Reads a MUST's identity from the read-only block (30000-30026, one request as the vendor software does) and
/// checks that it looks like a MUST: a valid work state (1-8) and a 12 V or 24 V battery class.
/// </summary>
public static class MustIdentityReader
{
    /// <exception cref="UnexpectedDeviceException">The address answered, but its registers are not a MUST's.</exception>
    /// <exception cref="ModbusError">No reply, a corrupt reply or an exception reply.</exception>
    public static async Task<MustIdentity> ReadAsync(IModbusClient client, byte slave, CancellationToken ct)
    {
        var main = await client.ReadHoldingRegistersAsync(slave, MustRegisterMap.MainStart, MustRegisterMap.MainCount, ct).ConfigureAwait(false);
        ushort At(ushort register) => main[register - MustRegisterMap.MainStart];
        var state = At(MustRegisterMap.WorkState);
        var batteryClass = At(MustRegisterMap.BatteryClass);
        if (!Enum.IsDefined((MustWorkState)state) || batteryClass is not (12 or 24))
            throw new UnexpectedDeviceException(
                $"address {slave} answered, but its registers 30000-30026 are not a MUST EP20's (work state {state}, expected 1-8; battery class {batteryClass} V, expected 12 or 24)");
        return new MustIdentity(At(MustRegisterMap.MachineType), At(MustRegisterMap.SoftwareVersion), batteryClass, At(MustRegisterMap.RatedPower), (MustWorkState)state);
    }
}
