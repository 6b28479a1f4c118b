namespace Gateway.Configuration;

/// <summary><c>nut_server:</c> — the gateway's upsd-compatible server for upsmon, Synology, Home Assistant.</summary>
public sealed record NutServerOptions : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("enabled", Enabled);
        w.Add("listen", Listen);
        w.Add("users", Users);
        w.Add("cert_file", CertFile);
        w.Add("key_file", KeyFile);
        w.Add("max_connections", MaxConnections);
        w.Add("max_connections_per_address", MaxConnectionsPerAddress);
        w.Add("idle_timeout", IdleTimeout);
        w.Add("max_age", MaxAge);
        w.Add("usb_hotplug", UsbHotplug);
    }

    public bool Enabled { get; init; } = true;
    /// <summary><c>address:port</c> endpoints; IPv6 as <c>[::1]:3493</c>.</summary>
    public IReadOnlyList<string> Listen { get; init; } = ["127.0.0.1:3493"];
    public IReadOnlyList<NutUserOptions> Users { get; init; } = [];
    /// <summary>PEM certificate (and key) for STARTTLS; without it STARTTLS answers ERR FEATURE-NOT-CONFIGURED.</summary>
    public string? CertFile { get; init; }
    public string? KeyFile { get; init; }
    public int MaxConnections { get; init; } = 256;
    /// <summary>Connections one client address may hold; the last eighth of max_connections is kept for addresses holding none.</summary>
    public int MaxConnectionsPerAddress { get; init; } = 16;
    /// <summary>A client that sends no complete line for this long is dropped (upsd: 60 s; HA polls every 60 s, so allow more).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(120);
    /// <summary>A reading older than this is served as ERR DATA-STALE (upsd's MAXAGE).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(15);
    public UsbHotplugOptions UsbHotplug { get; init; } = new();

    internal static NutServerOptions Bind(ConfigSection s)
    {
        var listen = s.Strings("listen", ["127.0.0.1:3493"]);
        foreach (var l in listen)
            if (!TryParseEndpoint(l, out _, out _))
                s.Error("listen", $"'{l}' is not address:port (e.g. 0.0.0.0:3493 or [::]:3493)");
        var users = s.Sections("users").Select(NutUserOptions.Bind).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < users.Count; i++)
            if (users[i].Name.Length > 0 && !seen.Add(users[i].Name))
                s.Error("users", $"user '{users[i].Name}' is defined twice");
        return new NutServerOptions
        {
            Enabled = s.Bool("enabled", true),
            Listen = listen,
            Users = users,
            CertFile = s.OptionalString("cert_file"),
            KeyFile = s.OptionalString("key_file"),
            MaxConnections = s.Int("max_connections", 256, 1, 10000),
            MaxConnectionsPerAddress = s.Int("max_connections_per_address", 16, 1, 10000),
            IdleTimeout = s.Duration("idle_timeout", TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(10), TimeSpan.FromHours(1)),
            MaxAge = s.Duration("max_age", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)),
            UsbHotplug = UsbHotplugOptions.Bind(s.Section("usb_hotplug")),
        };
    }

    public static bool TryParseEndpoint(string text, out string address, out int port)
    {
        address = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false;
        address = text[..colon].Trim('[', ']');
        return int.TryParse(text.AsSpan(colon + 1), out port) && port is > 0 and <= 65535
            && System.Net.IPAddress.TryParse(address, out _);
    }
}
