using Gateway.Yaml;

namespace Gateway.Web.Settings;

/// <summary>The two files as they are on disk right now: the user's config file and the web settings overlay.</summary>
public sealed record SettingsSnapshot(string FileText, YamlMappingNode File, string? OverlayText, YamlMappingNode Overlay);
