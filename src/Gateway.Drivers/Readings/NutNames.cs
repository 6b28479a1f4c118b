namespace Gateway.Drivers.Readings;

/// <summary>Standard NUT variable names used by the gateway (docs/nut-names.txt).</summary>
public static class NutNames
{
    public const string UpsStatus = "ups.status";
    public const string UpsAlarm = "ups.alarm";
    public const string UpsLoad = "ups.load";
    public const string UpsRealPower = "ups.realpower";
    public const string UpsRealPowerNominal = "ups.realpower.nominal";
    public const string UpsPower = "ups.power";
    public const string UpsPowerNominal = "ups.power.nominal";
    public const string UpsTemperature = "ups.temperature";
    public const string UpsMfr = "ups.mfr";
    public const string UpsModel = "ups.model";
    public const string UpsSerial = "ups.serial";
    public const string UpsFirmware = "ups.firmware";
    public const string UpsBeeperStatus = "ups.beeper.status";
    public const string UpsTestResult = "ups.test.result";
    public const string BatteryCharge = "battery.charge";
    public const string BatteryChargeLow = "battery.charge.low";
    public const string BatteryRuntime = "battery.runtime";
    public const string BatteryRuntimeLow = "battery.runtime.low";
    public const string BatteryVoltage = "battery.voltage";
    public const string BatteryVoltageNominal = "battery.voltage.nominal";
    public const string BatteryVoltageLow = "battery.voltage.low";
    public const string BatteryVoltageHigh = "battery.voltage.high";
    public const string BatteryCurrent = "battery.current";
    public const string BatteryTemperature = "battery.temperature";
    public const string BatteryChargerStatus = "battery.charger.status";
    public const string InputVoltage = "input.voltage";
    public const string InputVoltageNominal = "input.voltage.nominal";
    public const string InputFrequency = "input.frequency";
    public const string InputFrequencyNominal = "input.frequency.nominal";
    public const string OutputVoltage = "output.voltage";
    public const string OutputVoltageNominal = "output.voltage.nominal";
    public const string OutputFrequency = "output.frequency";
    public const string OutputFrequencyNominal = "output.frequency.nominal";
    public const string OutputCurrent = "output.current";
    public const string DeviceMfr = "device.mfr";
    public const string DeviceModel = "device.model";
    public const string DeviceSerial = "device.serial";
    public const string DeviceType = "device.type";
    public const string DriverName = "driver.name";
}
