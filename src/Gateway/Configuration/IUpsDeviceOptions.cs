namespace Gateway.Configuration;

/// <summary>A UPS device (<see cref="DeviceOptions.IsUps"/>): the name the NUT server serves it under and its runtime estimate.</summary>
public interface IUpsDeviceOptions
{
    string NutName { get; }
    /// <summary>Estimates <c>battery.runtime</c> when the UPS does not report it (null: no estimate).</summary>
    RuntimeCalibration? RuntimeCal { get; }
}
