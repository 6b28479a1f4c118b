namespace Gateway.Configuration;

/// <summary><c>logging:</c> — level and format (auto = journald-friendly under systemd, plain otherwise).</summary>
public sealed record LoggingOptions(string Level, string Format) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("level", Level);
        w.Add("format", Format);
    }

    public static readonly string[] Levels = ["trace", "debug", "information", "warning", "error", "critical"];

    internal static LoggingOptions Bind(ConfigSection s) => new(
        s.Choice("level", "information", Levels),
        s.Choice("format", "auto", "auto", "systemd", "simple", "json"));
}
