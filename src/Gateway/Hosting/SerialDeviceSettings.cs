using Gateway.Configuration;
using Gateway.Drivers.Em340;
using Gateway.Drivers.Must;
using Gateway.Drivers.Serial;

namespace Gateway.Hosting;

/// <summary>Configuration records → the driver settings of the serial devices (the drivers know nothing of the config).</summary>
public static class SerialDeviceSettings
{
    public static SerialSettings From(SerialPortOptions o) =>
        new(o.Port, o.Baud, SerialSettings.ParseParity(o.Parity), o.StopBits, o.Timeout, o.LostAfter);

    public static MustSettings ForMust(MustDeviceOptions o) =>
        new(o.Id, From(o.Serial), (byte)o.Slave, o.PollInterval, o.SlowPollInterval, o.LowBatteryPercent, o.StatusInterval);

    public static Em340Settings ForEm340(Em340DeviceOptions o) =>
        new(o.Id, From(o.Serial), (byte)o.Address, o.PollInterval, o.InterRequestDelay);
}
