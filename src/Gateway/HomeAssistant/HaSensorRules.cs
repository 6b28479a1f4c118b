namespace Gateway.HomeAssistant;

/// <summary>
/// Home Assistant's rules for sensors (its sensor DEVICE_CLASS_UNITS and DEVICE_CLASS_STATE_CLASSES, see
/// docs/reference/ha-discovery.md): which units and state classes each device class accepts. The configuration
/// checks declared registers (<c>type: modbus</c>) against it, so Home Assistant never rejects an entity we announce.
/// A test keeps it equal to the table the discovery tests validate with.
/// </summary>
public static class HaSensorRules
{
    /// <summary>The state classes every sensor may have when it has no device class.</summary>
    public static readonly string[] StateClasses = ["measurement", "total", "total_increasing"];

    /// <summary>Device class → its rule. <see cref="HaSensorRule.Units"/> null: the class takes no unit; a null entry: no unit is allowed.</summary>
    public static readonly IReadOnlyDictionary<string, HaSensorRule> ByDeviceClass = new Dictionary<string, HaSensorRule>(System.StringComparer.Ordinal)
    {
        ["date"] = new(null, []),
        ["enum"] = new(null, []),
        ["timestamp"] = new(null, []),
        ["uptime"] = new(null, []),
        ["absolute_humidity"] = new(["g/m³", "mg/m³"], ["measurement"]),
        ["apparent_power"] = new(["mVA", "VA", "kVA"], ["measurement"]),
        ["aqi"] = new([null], ["measurement"]),
        ["area"] = new(["m²", "cm²", "km²", "mm²", "in²", "ft²", "yd²", "mi²", "ac", "ha"], ["measurement", "measurement_angle", "total", "total_increasing"]),
        ["atmospheric_pressure"] = new(["mPa", "Pa", "hPa", "kPa", "bar", "cbar", "mbar", "mmHg", "inHg", "inH₂O", "psi", "atm"], ["measurement"]),
        ["battery"] = new(["%"], ["measurement"]),
        ["blood_glucose_concentration"] = new(["mg/dL", "mmol/L"], ["measurement"]),
        ["carbon_monoxide"] = new(["ppb", "ppm", "mg/m³", "μg/m³"], ["measurement"]),
        ["carbon_dioxide"] = new(["ppm"], ["measurement"]),
        ["conductivity"] = new(["S/cm", "μS/cm", "mS/cm"], ["measurement"]),
        ["current"] = new(["A", "mA", "μA"], ["measurement"]),
        ["data_rate"] = new(["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "B/s", "kB/s", "MB/s", "GB/s", "KiB/s", "MiB/s", "GiB/s"], ["measurement"]),
        ["data_size"] = new(["bit", "kbit", "Mbit", "Gbit", "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"], ["measurement", "measurement_angle", "total", "total_increasing"]),
        ["distance"] = new(["mm", "cm", "m", "km", "in", "ft", "yd", "mi", "nmi"], ["measurement", "measurement_angle", "total", "total_increasing"]),
        ["duration"] = new(["d", "h", "min", "s", "ms", "μs"], ["measurement", "measurement_angle", "total", "total_increasing"]),
        ["energy"] = new(["J", "kJ", "MJ", "GJ", "mWh", "Wh", "kWh", "MWh", "GWh", "TWh", "cal", "kcal", "Mcal", "Gcal", "thm"], ["total", "total_increasing"]),
        ["energy_distance"] = new(["kWh/100km", "Wh/km", "mi/kWh", "km/kWh"], ["measurement"]),
        ["energy_storage"] = new(["J", "kJ", "MJ", "GJ", "mWh", "Wh", "kWh", "MWh", "GWh", "TWh", "cal", "kcal", "Mcal", "Gcal", "thm"], ["measurement"]),
        ["frequency"] = new(["mHz", "Hz", "kHz", "MHz", "GHz"], ["measurement"]),
        ["gas"] = new(["CCF", "ft³", "m³", "L", "MCF"], ["total", "total_increasing"]),
        ["humidity"] = new(["%"], ["measurement"]),
        ["illuminance"] = new(["lx"], ["measurement"]),
        ["irradiance"] = new(["W/m²", "BTU/(h⋅ft²)"], ["measurement"]),
        ["moisture"] = new(["%"], ["measurement"]),
        ["monetary"] = new(null, ["total"]),
        ["nitrogen_dioxide"] = new(["ppb", "ppm", "μg/m³"], ["measurement"]),
        ["nitrogen_monoxide"] = new(["ppb", "μg/m³"], ["measurement"]),
        ["nitrous_oxide"] = new(["μg/m³"], ["measurement"]),
        ["ozone"] = new(["ppb", "ppm", "μg/m³"], ["measurement"]),
        ["ph"] = new([null], ["measurement"]),
        ["pm1"] = new(["μg/m³"], ["measurement"]),
        ["pm10"] = new(["μg/m³"], ["measurement"]),
        ["pm25"] = new(["μg/m³"], ["measurement"]),
        ["pm4"] = new(["μg/m³"], ["measurement"]),
        ["power_factor"] = new(["%", null], ["measurement"]),
        ["power"] = new(["mW", "W", "kW", "MW", "GW", "TW"], ["measurement"]),
        ["precipitation"] = new(["in", "mm", "cm"], ["measurement", "measurement_angle", "total", "total_increasing"]),
        ["precipitation_intensity"] = new(["in/d", "in/h", "mm/d", "mm/h"], ["measurement"]),
        ["pressure"] = new(["mPa", "Pa", "hPa", "kPa", "bar", "cbar", "mbar", "mmHg", "inHg", "inH₂O", "psi", "atm"], ["measurement"]),
        ["radon"] = new(["Bq/m³", "pCi/L"], ["measurement"]),
        ["reactive_energy"] = new(["varh", "kvarh"], ["total", "total_increasing"]),
        ["reactive_power"] = new(["mvar", "var", "kvar"], ["measurement"]),
        ["signal_strength"] = new(["dB", "dBm"], ["measurement"]),
        ["sound_pressure"] = new(["dB", "dBA"], ["measurement"]),
        ["speed"] = new(["Beaufort", "ft/s", "in/s", "m/min", "m/s", "km/h", "kn", "mph", "mm/s", "in/d", "in/h", "mm/d", "mm/h"], ["measurement"]),
        ["sulphur_dioxide"] = new(["ppb", "μg/m³"], ["measurement"]),
        ["temperature"] = new(["°C", "°F", "K"], ["measurement"]),
        ["temperature_delta"] = new(["°C", "°F", "K"], ["measurement"]),
        ["volatile_organic_compounds"] = new(["μg/m³", "mg/m³"], ["measurement"]),
        ["volatile_organic_compounds_parts"] = new(["ppb", "ppm"], ["measurement"]),
        ["voltage"] = new(["μV", "mV", "V", "kV", "MV"], ["measurement"]),
        ["volume"] = new(["ft³", "CCF", "MCF", "m³", "L", "mL", "gal", "fl. oz."], ["total", "total_increasing"]),
        ["volume_flow_rate"] = new(["m³/h", "m³/min", "m³/s", "ft³/min", "L/h", "L/min", "L/s", "gal/h", "gal/min", "gal/d", "mL/s"], ["measurement"]),
        ["volume_storage"] = new(["ft³", "CCF", "MCF", "m³", "L", "mL", "gal", "fl. oz."], ["measurement"]),
        ["water"] = new(["CCF", "ft³", "m³", "gal", "L", "MCF"], ["total", "total_increasing"]),
        ["weight"] = new(["g", "kg", "mg", "μg", "oz", "lb", "st"], ["measurement", "total", "total_increasing"]),
        ["wind_direction"] = new(["°"], ["measurement_angle"]),
        ["wind_speed"] = new(["Beaufort", "ft/s", "in/s", "m/min", "m/s", "km/h", "kn", "mph", "mm/s"], ["measurement"]),
    };
}
