namespace Gateway.Configuration;

/// <summary><c>notifications:</c> — Discord, ntfy and a generic JSON webhook, plus power-quality thresholds.</summary>
public sealed record NotificationsOptions : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("discord_webhook_url", DiscordWebhookUrl);
        w.Add("ntfy_server", NtfyServer);
        w.Add("ntfy_topic", NtfyTopic);
        w.Add("ntfy_token", NtfyToken);
        w.Add("webhook_url", WebhookUrl);
        w.Add("timeout", Timeout);
        w.Add("retries", Retries);
        w.Add("brownout_voltage", BrownoutVoltage);
        w.Add("overvoltage_voltage", OvervoltageVoltage);
    }

    public string? DiscordWebhookUrl { get; init; }
    public string? NtfyServer { get; init; }
    public string? NtfyTopic { get; init; }
    public string? NtfyToken { get; init; }
    public string? WebhookUrl { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
    public int Retries { get; init; } = 3;
    /// <summary>Brownout below / over-voltage above these input voltages (absolute thresholds).</summary>
    public double BrownoutVoltage { get; init; } = 195;
    public double OvervoltageVoltage { get; init; } = 253;

    internal static NotificationsOptions Bind(ConfigSection s)
    {
        var discord = s.Section("discord");
        var ntfy = s.Section("ntfy");
        var webhook = s.Section("webhook");
        var o = new NotificationsOptions
        {
            DiscordWebhookUrl = Url(discord, "webhook_url"),
            NtfyServer = Url(ntfy, "server") ?? (ntfy.Exists ? "https://ntfy.sh" : null),
            NtfyTopic = ntfy.OptionalString("topic"),
            NtfyToken = ntfy.OptionalString("token"),
            WebhookUrl = Url(webhook, "url"),
            Timeout = s.Duration("timeout", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)),
            Retries = s.Int("retries", 3, 0, 20),
            BrownoutVoltage = s.Double("brownout_voltage", 195, 0, 500),
            OvervoltageVoltage = s.Double("overvoltage_voltage", 253, 0, 500),
        };
        if (ntfy.Exists && o.NtfyTopic is null) ntfy.Error("topic", "is required for ntfy");
        if (o.BrownoutVoltage >= o.OvervoltageVoltage) s.Error("brownout_voltage", "must be lower than overvoltage_voltage");
        return o;
    }

    private static string? Url(ConfigSection s, string key)
    {
        var v = s.OptionalString(key);
        if (v is null) return null;
        if (!Uri.TryCreate(v, UriKind.Absolute, out var u) || (u.Scheme != "http" && u.Scheme != "https"))
        {
            s.Error(key, $"expected an http(s) URL, got '{v}'");
            return null;
        }
        return v;
    }
}
