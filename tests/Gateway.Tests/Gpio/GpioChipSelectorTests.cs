using Gateway.Drivers.Gpio;

namespace Gateway.Tests.Gpio;

public sealed class GpioChipSelectorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "gw-gpio-" + Guid.NewGuid().ToString("N")[..12]);

    public GpioChipSelectorTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "dev"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Model(string text)
    {
        var path = Path.Combine(_root, "model");
        File.WriteAllText(path, text + "\0");    // the device tree's strings are NUL-terminated
        return path;
    }

    private string Dev(params string[] chips)
    {
        var dev = Path.Combine(_root, "dev");
        foreach (var c in chips)
        {
            if (c.Contains("->"))
            {
                var parts = c.Split("->", StringSplitOptions.TrimEntries);
                File.CreateSymbolicLink(Path.Combine(dev, parts[0]), parts[1]);
            }
            else File.WriteAllText(Path.Combine(dev, c), "");
        }
        return dev;
    }

    [Fact]
    public void Configured_chip_wins() =>
        Assert.Equal(7, GpioChipSelector.Select(7, Model("Raspberry Pi 5 Model B Rev 1.0"), Dev("gpiochip4")).Chip);

    [Fact]
    public void Pi_4_and_unknown_machines_use_chip_0()
    {
        Assert.Equal(0, GpioChipSelector.Select(null, Model("Raspberry Pi 4 Model B Rev 1.4"), Dev("gpiochip0", "gpiochip1")).Chip);
        Assert.Equal(0, GpioChipSelector.Select(null, Path.Combine(_root, "no-model"), Dev()).Chip);
    }

    [Fact]
    public void Pi_5_on_an_old_kernel_uses_chip_4() =>
        Assert.Equal(4, GpioChipSelector.Select(null, Model("Raspberry Pi 5 Model B Rev 1.0"), Dev("gpiochip0", "gpiochip1", "gpiochip2", "gpiochip3", "gpiochip4")).Chip);

    [Fact]
    public void Pi_5_on_a_new_kernel_uses_chip_0_whether_or_not_gpiochip4_is_a_symlink()
    {
        Assert.Equal(0, GpioChipSelector.Select(null, Model("Raspberry Pi 5 Model B Rev 1.1"), Dev("gpiochip0", "gpiochip10", "gpiochip4 -> gpiochip0")).Chip);
        Assert.Equal(0, GpioChipSelector.Select(null, Model("Raspberry Pi Compute Module 5 Rev 1.0"), Path.Combine(_root, "empty-dev")).Chip);
    }

    [FactWhenAbsent("/dev/gpiochip*")]
    public void Without_gpio_hardware_opening_reports_a_problem_instead_of_throwing()
    {
        var result = GpioHardware.Open(null);
        Assert.Null(result.Driver);
        Assert.Contains("gpiochip", result.Problem);
    }
}
