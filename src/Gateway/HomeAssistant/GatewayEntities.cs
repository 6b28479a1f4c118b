using Gateway.Policy;

namespace Gateway.HomeAssistant;

/// <summary>The entities of the gateway's own Home Assistant device: policy, uptime, and one link/counter pair per device.</summary>
public static class GatewayEntities
{
    public const string PolicyState = "policy_state";
    public const string TimeOnBattery = "time_on_battery";
    public const string NextTrigger = "next_trigger";
    public const string NextTriggerEta = "next_trigger_eta";
    public const string Uptime = "uptime";
    public const string FailsafeAt = "failsafe_at";

    public static string LinkKey(string deviceId) => "link_" + deviceId;
    public static string ReconnectsKey(string deviceId) => "reconnects_" + deviceId;

    public static IReadOnlyList<string> PolicyStates { get; } =
        [.. Enum.GetValues<Policy.PolicyState>().Select(PolicyStatus.StateName)];

    public static IEnumerable<HaEntity> For(IEnumerable<(string Id, string Name)> devices)
    {
        yield return new HaEntity
        {
            Component = HaComponents.Sensor, Key = PolicyState, Name = "Policy state", DeviceClass = "enum", Options = PolicyStates,
            Icon = "mdi:shield-check", FollowsDeviceLink = false,
        };
        yield return new HaEntity
        {
            Component = HaComponents.Sensor, Key = TimeOnBattery, Name = "Time on battery", DeviceClass = "duration", Unit = "s",
            StateClass = "measurement", Precision = 0, FollowsDeviceLink = false,
        };
        yield return new HaEntity
        {
            Component = HaComponents.Sensor, Key = NextTrigger, Name = "Next shutdown trigger", Icon = "mdi:timer-alert", FollowsDeviceLink = false,
        };
        yield return new HaEntity
        {
            Component = HaComponents.Sensor, Key = NextTriggerEta, Name = "Next shutdown trigger ETA", DeviceClass = "duration", Unit = "s",
            StateClass = "measurement", Precision = 0, FollowsDeviceLink = false,
        };
        yield return new HaEntity
        {
            Component = HaComponents.Sensor, Key = FailsafeAt, Name = "Failsafe (link lost) at", DeviceClass = "timestamp",
            Icon = "mdi:lan-disconnect", FollowsDeviceLink = false,
        };
        yield return new HaEntity
        {
            Component = HaComponents.Sensor, Key = Uptime, Name = "Uptime", DeviceClass = "duration", Unit = "s", StateClass = "total_increasing",
            Precision = 0, EntityCategory = "diagnostic", FollowsDeviceLink = false,
        };
        foreach (var (id, name) in devices)
        {
            yield return new HaEntity
            {
                Component = HaComponents.BinarySensor, Key = LinkKey(id), Name = $"{name} link", DeviceClass = "connectivity",
                EntityCategory = "diagnostic", FollowsDeviceLink = false, AboutDevice = id,
            };
            yield return new HaEntity
            {
                Component = HaComponents.Sensor, Key = ReconnectsKey(id), Name = $"{name} reconnects", StateClass = "total_increasing",
                EntityCategory = "diagnostic", Icon = "mdi:connection", FollowsDeviceLink = false, AboutDevice = id,
            };
        }
    }
}
