namespace Gateway.Drivers.Must;

/// <summary>Register 30002. Any other value is not a valid reading.</summary>
public enum MustWorkState : ushort
{
    Init = 1,
    SelfCheck = 2,
    /// <summary>Backup: the load runs on the battery (OB DISCHRG).</summary>
    Backup = 3,
    /// <summary>Line: the load runs on mains (OL).</summary>
    Line = 4,
    Stop = 5,
    PowerOff = 6,
    GridCharge = 7,
    SoftStart = 8,
}
