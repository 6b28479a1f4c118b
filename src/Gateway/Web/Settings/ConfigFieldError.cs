namespace Gateway.Web.Settings;

/// <summary>One refused value: the key's path as the config names it (<c>mqtt.port</c>, <c>devices[0].port</c>) and why.</summary>
public sealed record ConfigFieldError(string Path, string Message);
