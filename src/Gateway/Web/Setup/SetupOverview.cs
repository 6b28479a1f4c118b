namespace Gateway.Web.Setup;

/// <summary>
/// The body of GET /api/setup: what the test buttons can test in the running configuration (no secrets: only
/// whether a password is set).
/// </summary>
public sealed record SetupOverview(
    IReadOnlyList<NutTarget> NutDevices,
    MqttTarget? Mqtt,
    IReadOnlyList<SshTarget> RemoteHosts,
    IReadOnlyList<string> NotificationChannels,
    IndicatorsView Indicators,
    bool RehearsalAvailable);
