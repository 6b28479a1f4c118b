namespace Gateway.Setup;

/// <summary>
/// The body of POST /api/setup/nut/test: a configured <c>type: nut</c> device by <see cref="Device"/>, or a server by
/// host/port; a missing field (the password in particular) is taken from that device's configuration.
/// </summary>
public sealed record NutTestRequest(string? Device, string? Host, int? Port, string? Ups, string? Username, string? Password);
