namespace Gateway.HomeAssistant;

/// <summary>The Home Assistant platforms the gateway uses.</summary>
public static class HaComponents
{
    public const string Sensor = "sensor";
    public const string BinarySensor = "binary_sensor";
    public const string Button = "button";
}
