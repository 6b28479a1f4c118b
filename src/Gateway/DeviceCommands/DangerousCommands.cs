namespace Gateway.DeviceCommands;

/// <summary>
/// Commands that cut power to the load (<c>shutdown.*</c>, e.g. <c>shutdown.return</c> switches the UPS output off
/// at once on battery) or switch outlets (<c>load.*</c>), including NUT's per-outlet forms that an upstream upsd
/// offers through a <c>type: nut</c> device (<c>outlet.1.load.off</c>, <c>outlet.2.shutdown.return</c>,
/// <c>outlet.group.1.load.cycle</c>). They run only when listed by name in the device's
/// <c>allowed_dangerous_commands</c>, whoever asks (even a NUT <c>admin</c>).
/// </summary>
public static class DangerousCommands
{
    /// <summary>Whether any dot-separated part of the name is <c>shutdown</c> or <c>load</c> (any case).</summary>
    public static bool IsDangerous(string command)
    {
        foreach (var range in command.AsSpan().Split('.'))
        {
            var part = command.AsSpan()[range].Trim();
            if (part.Equals("shutdown", StringComparison.OrdinalIgnoreCase) || part.Equals("load", StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
