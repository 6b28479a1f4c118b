namespace Gateway.DeviceCommands;

/// <summary>What the command gate did with a request.</summary>
public enum CommandVerdict
{
    /// <summary>The device carried the command out.</summary>
    Done,
    /// <summary>The device already is in the requested state (or the same write was just made): nothing was sent.</summary>
    AlreadySet,
    NotSupported,
    /// <summary>A command that cuts power or load, not listed in the device's <c>allowed_dangerous_commands</c>.</summary>
    Forbidden,
    /// <summary>Another command is still running on the device.</summary>
    Busy,
    /// <summary>The same command (or a write of the same setting) ran less than <c>command_interval</c> ago.</summary>
    RateLimited,
    Unavailable,
    Failed,
}
