namespace Gateway.Setup;

/// <summary>
/// The body of POST /api/setup/mqtt/test. Every field is optional: a missing one is taken from the running
/// configuration (so a saved password never has to travel back to the page).
/// </summary>
public sealed record MqttTestRequest(string? Host, int? Port, string? Username, string? Password, bool? Tls, string? CaFile);
