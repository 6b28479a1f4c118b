namespace Gateway.Configuration;

/// <summary><c>mqtt:</c> — the broker to publish Home Assistant discovery and states to, or the built-in broker.</summary>
public sealed record MqttOptions : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("host", Host);
        w.Add("port", Port);
        w.Add("username", Username);
        w.Add("password", Password);
        w.Add("tls", Tls);
        w.Add("ca_file", CaFile);
        w.Add("client_id", ClientId);
        w.Add("base_topic", BaseTopic);
        w.Add("discovery_prefix", DiscoveryPrefix);
        w.Add("discovery", Discovery);
        w.Add("state_interval", StateInterval);
        w.Add("publish", Publish);
        w.Add("keep_alive", KeepAlive);
        w.Add("embedded_broker", EmbeddedBroker);
        w.Add("embedded_port", EmbeddedPort);
        w.Add("embedded_listen", EmbeddedListen);
        w.Add("compat_must_monitor", CompatMustMonitor);
    }

    /// <summary>Off when neither a host nor the embedded broker is configured.</summary>
    public bool Enabled { get; init; }
    public string? Host { get; init; }
    public int Port { get; init; } = 1883;
    public string? Username { get; init; }
    public string? Password { get; init; }
    public bool Tls { get; init; }
    public string? CaFile { get; init; }
    public required string ClientId { get; init; }
    public required string BaseTopic { get; init; }
    public string DiscoveryPrefix { get; init; } = "homeassistant";
    public bool Discovery { get; init; } = true;
    public TimeSpan StateInterval { get; init; } = TimeSpan.FromSeconds(60);
    public PublishPolicyOptions Publish { get; init; } = new();
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Host an MQTT broker inside the gateway (null = default: on in --simulate when no host is set).</summary>
    public bool? EmbeddedBroker { get; init; }
    public int EmbeddedPort { get; init; } = 1883;
    /// <summary>The one address the built-in broker binds: 127.0.0.1 (this machine only) unless opened, e.g. 0.0.0.0.</summary>
    public string EmbeddedListen { get; init; } = "127.0.0.1";
    /// <summary>The MUST EP20 monitor's old JSON document on its old topic (off by default).</summary>
    public CompatMustMonitorOptions CompatMustMonitor { get; init; } = new();

    internal static MqttOptions Bind(ConfigSection s, string gatewayName, IReadOnlyCollection<string>? upsIds = null)
    {
        var host = s.OptionalString("host");
        var embedded = s.Has("embedded_broker") ? s.Bool("embedded_broker", false) : (bool?)null;
        var o = new MqttOptions
        {
            Host = host,
            Port = s.Int("port", 1883, 1, 65535),
            Username = s.OptionalString("username"),
            Password = s.OptionalString("password"),
            Tls = s.Bool("tls", false),
            CaFile = s.OptionalString("ca_file"),
            // Unique per installation, so a second gateway (or a copied SD card image on another Pi) cannot take the session over.
            ClientId = s.String("client_id", $"gateway-{gatewayName}-{InstallationId.Short}"),
            BaseTopic = s.String("base_topic", $"gateway/{gatewayName}").TrimEnd('/'),
            DiscoveryPrefix = s.String("discovery_prefix", "homeassistant").TrimEnd('/'),
            Discovery = s.Bool("discovery", true),
            StateInterval = s.Duration("state_interval", TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
            Publish = PublishPolicyOptions.Bind(s.Section("publish")),
            KeepAlive = s.Duration("keepalive", TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10)),
            EmbeddedBroker = embedded,
            EmbeddedPort = s.Int("embedded_port", 1883, 1, 65535),
            EmbeddedListen = s.String("embedded_listen", "127.0.0.1"),
            CompatMustMonitor = CompatMustMonitorOptions.Bind(s.Section("compat_must_monitor"), upsIds),
        };
        if (!System.Net.IPAddress.TryParse(o.EmbeddedListen, out _))
            s.Error("embedded_listen", $"'{o.EmbeddedListen}' is not an IP address (127.0.0.1 for this machine only, 0.0.0.0 for every IPv4 address)");
        var enabled = s.Bool("enabled", host is not null || embedded == true);
        if (enabled && host is null && embedded != true && s.Has("enabled"))
            s.Error("host", "is required when mqtt is enabled (or set embedded_broker: true)");
        if (o.BaseTopic.Length == 0 || o.BaseTopic.Contains('#') || o.BaseTopic.Contains('+'))
            s.Error("base_topic", "must be a plain topic without '#' or '+'");
        return o with { Enabled = enabled };
    }
}
