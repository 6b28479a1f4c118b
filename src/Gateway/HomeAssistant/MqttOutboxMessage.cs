namespace Gateway.HomeAssistant;

/// <summary>One message waiting in the <see cref="MqttOutbox"/>. Retained messages are kept as the latest value per topic.</summary>
/// <param name="AtLeastOnce">QoS 1 when true, QoS 0 otherwise.</param>
public sealed record MqttOutboxMessage(string Topic, byte[] Payload, bool Retain, bool AtLeastOnce = true);
