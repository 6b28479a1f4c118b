using Gateway.Configuration;

namespace Gateway.NutServer;

/// <summary>
/// The UPSes the server offers: every configured UPS device under its <c>nut_name</c> (default its id).
/// Names match case-insensitively, as in upsd; replies echo the name as the client sent it.
/// </summary>
public sealed class NutUpsCatalog
{
    private readonly Dictionary<string, NutServedUps> _byName;
    private readonly Dictionary<string, NutServedUps> _byDevice;

    public NutUpsCatalog(IEnumerable<NutServedUps> upses)
    {
        All = upses.OrderBy(u => u.Name, StringComparer.Ordinal).ToArray();
        _byName = new Dictionary<string, NutServedUps>(StringComparer.OrdinalIgnoreCase);
        _byDevice = new Dictionary<string, NutServedUps>(StringComparer.Ordinal);
        foreach (var u in All)
        {
            _byName.TryAdd(u.Name, u);
            _byDevice.TryAdd(u.DeviceId, u);
        }
    }

    public static NutUpsCatalog FromConfig(GatewayConfig config) =>
        new(config.Devices.Where(d => d.IsUps).Select(d => new NutServedUps(NutNameOf(d), d.Id, d.Name)));

    /// <summary>The name a UPS device is served under.</summary>
    public static string NutNameOf(DeviceOptions d) => (d as IUpsDeviceOptions)?.NutName ?? d.Id;

    public IReadOnlyList<NutServedUps> All { get; }

    public NutServedUps? Find(string name) => _byName.GetValueOrDefault(name);

    public NutServedUps? FindDevice(string deviceId) => _byDevice.GetValueOrDefault(deviceId);
}
