using Gateway.Configuration;

namespace Gateway.DeviceCommands;

/// <summary>A device's offered commands, worked out from this command list and these device options.</summary>
internal sealed record OfferedCommandsMemo(IReadOnlyList<string> Commands, Dictionary<string, DeviceOptions> Devices, IReadOnlyList<string> Offered);
