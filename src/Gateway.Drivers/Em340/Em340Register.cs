namespace Gateway.Drivers.Em340;

/// <summary>One row of the EM340 measurement table: wire address, type, scale to the engineering unit, and the metric key it fills.</summary>
public sealed record Em340Register(ushort Address, Em340ValueType Type, double Scale, string Key)
{
    public int Words => Type == Em340ValueType.Int32 ? 2 : 1;
}
