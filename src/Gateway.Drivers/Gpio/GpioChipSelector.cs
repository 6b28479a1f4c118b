namespace Gateway.Drivers.Gpio;

/// <summary>
/// Which /dev/gpiochipN carries the 40-pin header. Pi 1–4: gpiochip0. Pi 5: the RP1 controller was gpiochip4
/// until kernel 6.6.45 (raspberrypi/linux#6144); newer kernels number it gpiochip0, move the SoC chips to
/// gpiochip10+ and leave /dev/gpiochip4 as a symlink to gpiochip0 (or absent). So on a Pi 5 a real
/// (non-symlink) gpiochip4 means the old numbering.
/// </summary>
public static class GpioChipSelector
{
    public static (int Chip, string Why) Select(int? configured, string deviceTreeModel = "/proc/device-tree/model", string devDir = "/dev")
    {
        if (configured is { } c) return (c, "gpio.chip");
        var model = ReadModel(deviceTreeModel);
        if (model is null) return (0, "default (no device-tree model)");
        if (!IsPi5Family(model)) return (0, $"default for {model}");
        var chip4 = new FileInfo(Path.Combine(devDir, "gpiochip4"));
        return chip4.Exists && chip4.LinkTarget is null
            ? (4, $"{model}: RP1 is gpiochip4 on this kernel")
            : (0, $"{model}: RP1 is gpiochip0 on this kernel");
    }

    /// <summary>Pi 5, Pi 500 and Compute Module 5 all put the header on the RP1.</summary>
    public static bool IsPi5Family(string model) =>
        model.Contains("Raspberry Pi 5", StringComparison.Ordinal)
        || model.Contains("Raspberry Pi 500", StringComparison.Ordinal)
        || model.Contains("Compute Module 5", StringComparison.Ordinal);

    private static string? ReadModel(string path)
    {
        try { return File.ReadAllText(path).TrimEnd('\0', '\n', ' '); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
