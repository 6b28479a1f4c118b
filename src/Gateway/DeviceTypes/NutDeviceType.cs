using Gateway.Configuration;
using Gateway.Drivers.Nut;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.DeviceTypes;

/// <summary><c>type: nut</c>: a UPS served by a NUT server (options: <see cref="NutDeviceOptions"/>).</summary>
public static class NutDeviceType
{
    public static readonly DeviceType Type = new(
        "nut",
        "{ ups: ups }",
        NutDeviceOptions.Bind,
        (o, services, log) =>
        {
            var nut = (NutDeviceOptions)o;
            return new NutDeviceDriver(
                new(nut.Id, nut.Host, nut.Port, nut.Ups, nut.Username, nut.Password, nut.PollInterval, nut.Timeout,
                    nut.Tls ? new NutTlsSettings(nut.TlsCaFile, nut.TlsFingerprint) : null),
                services.GetRequiredService<TimeProvider>(), log);
        });
}
