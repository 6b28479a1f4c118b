using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Runtime.InteropServices;

namespace Gateway.Drivers.Gpio;

/// <summary>
/// Opens the libgpiod character-device driver for the header's chip. libgpiod 2.x (libgpiod.so.3, newer
/// Raspberry Pi OS) gets the V2 driver, 1.x (libgpiod.so.2) the V1 driver. Anything missing is reported as a
/// problem, never thrown: a desktop, CI or a container simply has no GPIO.
/// </summary>
public static class GpioHardware
{
    public static GpioOpenResult Open(int? configuredChip)
    {
        var (chip, why) = GpioChipSelector.Select(configuredChip);
        if (!OperatingSystem.IsLinux()) return new(null, chip, why, "GPIO needs Linux");
        var dev = $"/dev/gpiochip{chip}";
        if (!File.Exists(dev))
        {
            var any = Directory.Exists("/dev") && Directory.EnumerateFileSystemEntries("/dev", "gpiochip*").Any();
            return new(null, chip, why, any ? $"{dev} does not exist (set gpio.chip)" : "no /dev/gpiochip* on this machine");
        }
        try
        {
            GpioDriver driver = CanLoad("libgpiod.so.3") ? new LibGpiodV2Driver(chip)
                : CanLoad("libgpiod.so.2") ? new LibGpiodDriver(chip)
                : throw new DllNotFoundException("libgpiod is not installed (apt install libgpiod2 or libgpiod3)");
            return new(driver, chip, why, null);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or IOException or UnauthorizedAccessException
                                      or PlatformNotSupportedException or InvalidOperationException or ArgumentException)
        {
            return new(null, chip, why, $"cannot open {dev}: {e.Message}");
        }
    }

    private static bool CanLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle)) return false;
        NativeLibrary.Free(handle);
        return true;
    }
}
