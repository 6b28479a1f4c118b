namespace Gateway.Drivers.Gpio;

/// <summary>An active buzzer (it sounds while its pin is on; drive it through a transistor, not from the pin directly).</summary>
public sealed class Buzzer(GpioOutputPin pin) : IDisposable
{
    public int Pin => pin.Pin;
    public bool IsOn => pin.IsOn;
    public void Set(bool on) => pin.Set(on);
    public void Dispose() => pin.Dispose();
}
