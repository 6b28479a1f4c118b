using System.Device.Gpio;

namespace Gateway.Drivers.Gpio;

/// <summary>A GPIO driver for the chosen chip, or why there is none (no chip, no libgpiod, no permission).</summary>
public sealed record GpioOpenResult(GpioDriver? Driver, int Chip, string ChipReason, string? Problem);
