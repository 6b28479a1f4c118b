namespace Gateway.HomeAssistant;

/// <summary>The broker answered the connect with a non-success code (the message says which, in words).</summary>
public sealed class MqttConnectRefusedException(string message) : Exception(message);
