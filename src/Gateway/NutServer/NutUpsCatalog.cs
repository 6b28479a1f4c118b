using Gateway.Configuration;

namespace Gateway.NutServer;

/// <summary>
/// The UPSes the server offers: every configured UPS device under its <c>nut_name</c> (default its id).
/// Names match case-insensitively, as in upsd; replies echo the name as the client sent it.
/// </summary>
public sealed class NutUpsCatalog
{
    private sealed record Entries(NutServedUps[] All, Dictionary<string, NutServedUps> ByName, Dictionary<string, NutServedUps> ByDevice);

    private Entries _entries;

    public NutUpsCatalog(IEnumerable<NutServedUps> upses) => _entries = Index(upses);

    private static Entries Index(IEnumerable<NutServedUps> upses)
    {
        var all = upses.OrderBy(u => u.Name, StringComparer.Ordinal).ToArray();
        var byName = new Dictionary<string, NutServedUps>(StringComparer.OrdinalIgnoreCase);
        var byDevice = new Dictionary<string, NutServedUps>(StringComparer.Ordinal);
        foreach (var u in all)
        {
            byName.TryAdd(u.Name, u);
            byDevice.TryAdd(u.DeviceId, u);
        }
        return new Entries(all, byName, byDevice);
    }

    public static NutUpsCatalog FromConfig(GatewayConfig config) => new(ServedBy(config));

    private static IEnumerable<NutServedUps> ServedBy(GatewayConfig config) =>
        config.Devices.Where(d => d.IsUps).Select(d => new NutServedUps(NutNameOf(d), d.Id, d.Name));

    /// <summary>Serves the UPSes of a new configuration (connected clients stay; a removed UPS answers UNKNOWN-UPS from now on).</summary>
    public void Reconfigure(GatewayConfig config) => Volatile.Write(ref _entries, Index(ServedBy(config)));

    /// <summary>The name a UPS device is served under.</summary>
    public static string NutNameOf(DeviceOptions d) => (d as IUpsDeviceOptions)?.NutName ?? d.Id;

    public IReadOnlyList<NutServedUps> All => Volatile.Read(ref _entries).All;

    public NutServedUps? Find(string name) => Volatile.Read(ref _entries).ByName.GetValueOrDefault(name);

    public NutServedUps? FindDevice(string deviceId) => Volatile.Read(ref _entries).ByDevice.GetValueOrDefault(deviceId);
}
