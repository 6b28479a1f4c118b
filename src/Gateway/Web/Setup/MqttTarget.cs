namespace Gateway.Web.Setup;

/// <summary>The configured MQTT broker (the password stays on the gateway).</summary>
public sealed record MqttTarget(string? Host, int Port, string? Username, bool PasswordSet, bool Tls, string? CaFile);
