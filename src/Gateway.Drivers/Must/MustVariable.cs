namespace Gateway.Drivers.Must;

/// <summary>One row of the register → NUT variable table.</summary>
/// <param name="Register">Wire address (30000 = 0x7530).</param>
/// <param name="Scale">Raw × scale = value in the NUT unit.</param>
/// <param name="Format">For registers that are codes rather than quantities: raw value → NUT text.</param>
public sealed record MustVariable(ushort Register, string Name, double Scale = 1, int Decimals = 0, bool Signed = false, Func<int, string>? Format = null)
{
    public string Render(ushort raw)
    {
        int value = Signed ? (short)raw : raw;
        if (Format is not null) return Format(value);
        return Gateway.Drivers.Readings.UpsReading.FormatNumber(value * Scale, Decimals);
    }
}
