namespace Gateway.DeviceCommands;

/// <summary>
/// Commands that cut power to the load (<c>shutdown.*</c>, e.g. <c>shutdown.return</c> switches the UPS output off
/// at once on battery) or switch outlets (<c>load.*</c>). They run only when listed by name in the device's
/// <c>allowed_dangerous_commands</c>, whoever asks (even a NUT <c>admin</c>).
/// </summary>
public static class DangerousCommands
{
    public static bool IsDangerous(string command) =>
        command.StartsWith("shutdown.", StringComparison.OrdinalIgnoreCase) || command.StartsWith("load.", StringComparison.OrdinalIgnoreCase);
}
