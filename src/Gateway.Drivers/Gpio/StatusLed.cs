namespace Gateway.Drivers.Gpio;

/// <summary>The front-panel status LED (an LED with a series resistor from the GPIO pin to ground, or to 3V3 with <c>active_low</c>).</summary>
public sealed class StatusLed(GpioOutputPin pin) : IDisposable
{
    public int Pin => pin.Pin;
    public bool IsOn => pin.IsOn;
    public void Set(bool on) => pin.Set(on);
    public void Dispose() => pin.Dispose();
}
