namespace Gateway.Web;

/// <summary>The body of POST /api/devices/{id}/commands/{cmd} when the device accepted the command.</summary>
public sealed record CommandReply(string Device, string Command, string Status, string? Message);
