namespace Gateway.NutServer;

/// <summary>One UPS device as the NUT server offers it: its NUT name, the hub's device id, its description.</summary>
public sealed record NutServedUps(string Name, string DeviceId, string? Description);
