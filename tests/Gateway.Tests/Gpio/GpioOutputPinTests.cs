using System.Device.Gpio;
using Gateway.Drivers.Gpio;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Gpio;

public class GpioOutputPinTests
{
    [Theory]
    [InlineData(false, 1, 0)]
    [InlineData(true, 0, 1)]
    public void On_and_off_follow_active_low_and_only_changes_are_written(bool activeLow, int onLevel, int offLevel)
    {
        var driver = new RecordingGpioDriver(new FakeTimeProvider());
        using var controller = new GpioController(driver);
        var led = new StatusLed(new GpioOutputPin(controller, 17, activeLow));

        led.Set(true);
        led.Set(true);
        led.Set(false);
        led.Set(false);
        led.Set(true);
        led.Dispose();

        Assert.Equal([offLevel, onLevel, offLevel, onLevel, offLevel], driver.Writes.Select(w => (int)(w.Value == PinValue.High ? 1 : 0)));
        Assert.All(driver.Writes, w => Assert.Equal(17, w.Pin));
        Assert.DoesNotContain(17, driver.OpenPins);
    }
}
