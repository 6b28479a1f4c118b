namespace Gateway.Drivers.Gpio;

/// <summary>Opens the GPIO driver (<see cref="GpioHardware.Open"/>); replaced in tests by one that returns a recording driver.</summary>
public delegate GpioOpenResult GpioOpener(int? configuredChip);
