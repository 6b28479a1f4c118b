using System.Device.Gpio;

namespace Gateway.Drivers.Gpio;

/// <summary>
/// One GPIO line driven as an output, in terms of "on" and "off" (with <c>active_low</c> inverted on the wire).
/// Writes only when the level changes, so a pattern ticking 20 times a second costs nothing when steady.
/// </summary>
public sealed class GpioOutputPin : IDisposable
{
    private readonly GpioController _controller;
    private readonly PinValue _onLevel;
    private readonly PinValue _offLevel;
    private bool? _on;

    public GpioOutputPin(GpioController controller, int pin, bool activeLow)
    {
        _controller = controller;
        Pin = pin;
        _onLevel = activeLow ? PinValue.Low : PinValue.High;
        _offLevel = activeLow ? PinValue.High : PinValue.Low;
        _controller.OpenPin(pin, PinMode.Output, _offLevel);
        _on = false;
    }

    public int Pin { get; }
    public bool IsOn => _on == true;

    public void Set(bool on)
    {
        if (_on == on) return;
        _controller.Write(Pin, on ? _onLevel : _offLevel);
        _on = on;
    }

    /// <summary>Turns the output off and releases the line.</summary>
    public void Dispose()
    {
        if (_on is null) return;
        try
        {
            Set(false);
            _controller.ClosePin(Pin);
        }
        finally
        {
            _on = null;
        }
    }
}
