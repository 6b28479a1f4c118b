using Gateway.Configuration;
using Gateway.DeviceCommands;
using Gateway.Drivers.Devices;
using Gateway.Hosting;
using Gateway.NutServer;
using Gateway.Readings;

namespace Gateway.LiveApply;

/// <summary>
/// Applies <c>devices</c>: the command gate's per-device settings, the runtime estimates, the NUT server's UPS list,
/// then the drivers (<see cref="DeviceRunner.ApplyAsync"/>). Home Assistant follows through its own rebuilt session.
/// </summary>
public sealed class DevicesTarget(DeviceRunner runner, DeviceCommandGate gate, RuntimeEstimator estimator, NutUpsCatalog? catalog,
    Func<DeviceOptions, IDeviceDriver> create) : ILiveConfigTarget
{
    public string Section => "devices";

    public async Task ApplyAsync(ConfigChange change, GatewayConfig next, CancellationToken ct)
    {
        if (!change.Has("devices")) return;
        gate.Reconfigure(next.Devices);
        estimator.Reconfigure(next);
        catalog?.Reconfigure(next);
        await runner.ApplyAsync(change, next.Devices, create, ct).ConfigureAwait(false);
    }
}
