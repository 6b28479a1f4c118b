namespace Gateway.LiveApply;

/// <summary>What differs between the running configuration and a new one, section by section and device by device.</summary>
/// <param name="Sections">The top-level sections whose values differ (e.g. "devices", "policy").</param>
/// <param name="DevicesAdded">Ids of devices only in the new configuration.</param>
/// <param name="DevicesRemoved">Ids of devices only in the running configuration.</param>
/// <param name="DevicesChanged">Ids of devices in both whose options differ (their drivers restart).</param>
/// <param name="NutUsersChanged">Whether <c>nut_server.users</c> differ.</param>
/// <param name="DryRunChanged">Whether <c>shutdown.dry_run</c> differs.</param>
public sealed record ConfigChange(
    IReadOnlySet<string> Sections,
    IReadOnlyList<string> DevicesAdded,
    IReadOnlyList<string> DevicesRemoved,
    IReadOnlyList<string> DevicesChanged,
    bool NutUsersChanged,
    bool DryRunChanged)
{
    public bool Has(string section) => Sections.Contains(section);

    public bool DeviceSetChanged => DevicesAdded.Count + DevicesRemoved.Count + DevicesChanged.Count > 0;

    public bool IsEmpty => Sections.Count == 0;
}
