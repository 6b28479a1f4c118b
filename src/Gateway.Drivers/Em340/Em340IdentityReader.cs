using Gateway.Drivers.Modbus;

namespace Gateway.Drivers.Em340;

/// <summary>
/// The EM340's identity read: model code (0x000B read alone), then serial number, firmware, measurement mode and
/// whether the 3-decimal energy counters exist. Used by the driver before it calls a meter Connected and by the
/// setup page's port probe.
/// </summary>
public static class Em340IdentityReader
{
    /// <exception cref="UnexpectedDeviceException">The address answered a model code outside the EM330/EM340/ET340 family.</exception>
    /// <exception cref="ModbusError">No reply, a corrupt reply or an exception reply to the model code read.</exception>
    public static async Task<Em340Identity> ReadAsync(IModbusClient client, byte address, CancellationToken ct)
    {
        var code = (await client.ReadHoldingRegistersAsync(address, Em340RegisterMap.ModelCode, 1, ct).ConfigureAwait(false))[0];
        if (!Em340RegisterMap.Models.TryGetValue(code, out var model))
            throw new UnexpectedDeviceException($"address {address} answered model code {code}, which is not an EM330/EM340/ET340 family meter");
        var serial = await TryReadAsync(client, address, Em340RegisterMap.SerialNumber, Em340RegisterMap.SerialNumberWords, ct).ConfigureAwait(false);
        var version = await TryReadAsync(client, address, Em340RegisterMap.VersionCode, 2, ct).ConfigureAwait(false);
        var mode = await TryReadAsync(client, address, Em340RegisterMap.MeasurementMode, 1, ct).ConfigureAwait(false);
        var decimals = await TryReadAsync(client, address, Em340RegisterMap.DecimalEnergyStart, Em340RegisterMap.DecimalEnergyCount, ct).ConfigureAwait(false);
        return new Em340Identity(
            code,
            model,
            serial is null ? null : Em340Decoder.SerialNumber(serial),
            version is null ? null : Em340Decoder.Firmware(version[0], version[1]),
            mode is null ? null : mode[0] == 0 ? 'A' : 'B',
            decimals is not null);
    }

    /// <summary>An optional register: an exception reply means "not on this meter".</summary>
    private static async Task<ushort[]?> TryReadAsync(IModbusClient client, byte address, ushort start, ushort count, CancellationToken ct)
    {
        try
        {
            return await client.ReadHoldingRegistersAsync(address, start, count, ct).ConfigureAwait(false);
        }
        catch (ModbusSlaveException)
        {
            return null;
        }
    }
}
