using Gateway.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Hosting;

/// <summary>
/// <c>gateway run --simulate</c>: starts the MUST and EM340 simulators on in-process ptys and, when the
/// configuration has no devices, adds the demo devices <c>ups</c> (type must) and <c>grid</c> (type em340)
/// pointing at them. The real drivers and the real Modbus master do the rest. The shutdown sequence is forced
/// to a dry run: a simulated outage rehearses every step and powers nothing off.
/// </summary>
public static class DemoMode
{
    public const string UpsId = "ups";
    public const string MeterId = "grid";

    /// <summary>Returns the configuration to run with (unchanged unless simulating).</summary>
    public static GatewayConfig Apply(IServiceCollection services, GatewayConfig config, RunOptions run, TimeProvider time)
    {
        if (!run.Simulate) return config;
        var demo = new DemoSimulators(time);
        services.AddSingleton(demo);
        services.AddHostedService<DemoSimulatorService>();
        return ForDemo(config, demo);
    }

    /// <summary>
    /// A configuration as demo mode runs it: always a dry run, and the simulated devices when it names none (also
    /// applied to every configuration applied live in demo mode).
    /// </summary>
    public static GatewayConfig ForDemo(GatewayConfig config, DemoSimulators demo)
    {
        // A simulated power cut must never power anything off: in demo mode the shutdown sequence is always a rehearsal.
        config = config with { Shutdown = config.Shutdown with { DryRun = true } };
        if (config.Devices.Count > 0) return config;
        var timeout = TimeSpan.FromMilliseconds(500);
        return config with
        {
            Devices =
            [
                new MustDeviceOptions
                {
                    Id = UpsId,
                    Name = "Demo UPS (simulated MUST EP20)",
                    Serial = new SerialPortOptions(demo.MustPty.SlavePath, 9600, "none", 1, timeout, 3),
                    PollInterval = TimeSpan.FromSeconds(1),
                    NutName = UpsId,
                    RuntimeCal = RuntimeCalibration.MustEp20Default,   // as a configured must device has by default: the simulator models that battery
                },
                new Em340DeviceOptions
                {
                    Id = MeterId,
                    Name = "Demo grid meter (simulated EM340)",
                    Serial = new SerialPortOptions(demo.MeterPty.SlavePath, 9600, "none", 1, timeout, 3),
                    PollInterval = TimeSpan.FromSeconds(1),
                },
            ],
        };
    }
}
