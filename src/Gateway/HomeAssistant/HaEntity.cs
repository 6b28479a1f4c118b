namespace Gateway.HomeAssistant;

/// <summary>
/// One Home Assistant entity the gateway announces. <see cref="Key"/> is stable forever: it is part of the
/// unique_id and names the field of the device's state document that the value template reads.
/// </summary>
public sealed record HaEntity
{
    /// <summary>sensor, binary_sensor or button.</summary>
    public required string Component { get; init; }
    public required string Key { get; init; }
    public required string Name { get; init; }
    public string? DeviceClass { get; init; }
    public string? Unit { get; init; }
    public string? StateClass { get; init; }
    /// <summary>diagnostic or config (config only for buttons).</summary>
    public string? EntityCategory { get; init; }
    public string? Icon { get; init; }
    public int? Precision { get; init; }
    /// <summary>The allowed states of an enum sensor.</summary>
    public IReadOnlyList<string>? Options { get; init; }
    /// <summary>For buttons: the last topic level of its command topic.</summary>
    public bool IsButton => Component == HaComponents.Button;
    /// <summary>Whether its availability also follows the device's link (false for the gateway's own entities).</summary>
    public bool FollowsDeviceLink { get; init; } = true;
    /// <summary>The device id this entity is about, for gateway entities that describe one device (link, reconnects).</summary>
    public string? AboutDevice { get; init; }
}
