using System.Device.Gpio;

namespace Gateway.Tests.Gpio;

/// <summary>A GPIO driver without hardware: remembers every level written, with the (virtual) time it was written.</summary>
public sealed class RecordingGpioDriver(TimeProvider time) : GpioDriver
{
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, PinValue> _values = [];
    private readonly List<(DateTimeOffset At, int Pin, PinValue Value)> _writes = [];

    public IReadOnlyList<(DateTimeOffset At, int Pin, PinValue Value)> Writes { get { lock (_writes) return _writes.ToArray(); } }
    public IReadOnlyCollection<int> OpenPins => _modes.Keys;
    public bool Disposed { get; private set; }

    /// <summary>Makes the next writes throw, as a driver does when the chip goes away.</summary>
    public Exception? FailWritesWith { get; set; }

    protected override int PinCount => 54;

    protected override void OpenPin(int pinNumber) => _modes[pinNumber] = PinMode.Input;
    protected override void ClosePin(int pinNumber) => _modes.Remove(pinNumber);
    protected override void SetPinMode(int pinNumber, PinMode mode) => _modes[pinNumber] = mode;
    protected override PinMode GetPinMode(int pinNumber) => _modes[pinNumber];
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;
    protected override PinValue Read(int pinNumber) => _values.GetValueOrDefault(pinNumber, PinValue.Low);

    protected override void Write(int pinNumber, PinValue value)
    {
        if (FailWritesWith is { } e) throw e;
        if (!_modes.ContainsKey(pinNumber)) throw new InvalidOperationException($"pin {pinNumber} is not open");
        _values[pinNumber] = value;
        lock (_writes) _writes.Add((time.GetUtcNow(), pinNumber, value));
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback) =>
        throw new NotSupportedException();

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback) =>
        throw new NotSupportedException();

    public override GpioChipInfo GetChipInfo() => new(0, "recording", "test", 54);

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
