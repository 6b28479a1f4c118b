namespace Gateway.HomeAssistant;

/// <summary>A message the session received on one of its subscriptions.</summary>
public sealed record MqttReceivedMessage(string Topic, string Payload, bool Retain);
