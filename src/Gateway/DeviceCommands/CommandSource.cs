namespace Gateway.DeviceCommands;

/// <summary>Who asked for a command: the channel (<c>mqtt</c>, <c>nut</c>, <c>api</c>) and, where known, the user and address.</summary>
public readonly record struct CommandSource(string Channel, string? Who = null)
{
    public static CommandSource Mqtt(string topic) => new("mqtt", topic);

    public static CommandSource Nut(string? user, string address) => new("nut", $"{user ?? "(not logged in)"}@{address}");

    public static CommandSource Api(string? address) => new("api", address ?? "(unknown address)");

    public override string ToString() => Who is null ? Channel : $"{Channel} {Who}";
}
