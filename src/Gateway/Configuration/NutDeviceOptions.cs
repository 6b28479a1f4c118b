namespace Gateway.Configuration;

/// <summary><c>type: nut</c> — a UPS read from a NUT server (upsd) over the network.</summary>
public sealed record NutDeviceOptions : DeviceOptions, IUpsDeviceOptions
{
    protected override void WriteDeviceFingerprint(FingerprintWriter w)
    {
        w.Add("host", Host);
        w.Add("port", Port);
        w.Add("ups", Ups);
        w.Add("username", Username);
        w.Add("password", Password);
        w.Add("timeout", Timeout);
        w.Add("nut_name", NutName);
        w.Add("runtime_cal", RuntimeCal);
        w.Add("tls", Tls);
        w.Add("tls_ca_file", TlsCaFile);
        w.Add("tls_fingerprint", TlsFingerprint);
    }

    public override string Type => "nut";
    public override bool IsUps => true;
    public required string Host { get; init; }
    public int Port { get; init; } = 3493;
    public required string Ups { get; init; }
    public string? Username { get; init; }
    public string? Password { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);
    public required string NutName { get; init; }
    /// <summary>Estimates <c>battery.runtime</c> when the UPS does not report it (null: no estimate).</summary>
    public RuntimeCalibration? RuntimeCal { get; init; }
    /// <summary>STARTTLS before the login; the certificate is checked against <see cref="TlsCaFile"/> or <see cref="TlsFingerprint"/> (else the system's CAs).</summary>
    public bool Tls { get; init; }
    public string? TlsCaFile { get; init; }
    /// <summary>SHA-256 of the server's certificate, hex (colons allowed): pins a self-signed upsd certificate.</summary>
    public string? TlsFingerprint { get; init; }

    internal static NutDeviceOptions Bind(ConfigSection s, string id)
    {
        var d = new NutDeviceOptions
        {
            Id = id,
            Name = s.OptionalString("name"),
            Host = s.String("host", "127.0.0.1"),
            Port = s.Int("port", 3493, 1, 65535),
            Ups = s.RequiredString("ups"),
            Username = s.OptionalString("username"),
            Password = s.OptionalString("password"),
            PollInterval = s.Duration("poll_interval", TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(50)),
            Timeout = s.Duration("timeout", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60)),
            NutName = s.String("nut_name", id),
            RuntimeCal = BindRuntimeCal(s, null),
            Tls = s.Bool("tls", false),
            TlsCaFile = s.OptionalString("tls_ca_file"),
            TlsFingerprint = s.OptionalString("tls_fingerprint"),
        };
        if (d.TlsFingerprint is { } fp && fp.Replace(":", "", StringComparison.Ordinal).Length != 64)
            s.Error("tls_fingerprint", "expected the SHA-256 of the certificate as 64 hex digits (openssl x509 -noout -fingerprint -sha256 -in cert.pem)");
        if ((d.TlsCaFile is not null || d.TlsFingerprint is not null) && !d.Tls)
            s.Warning("tls", "is off, so tls_ca_file / tls_fingerprint are not used; set tls: true");
        if ((d.Username is null) != (d.Password is null))
            s.Error(d.Username is null ? "password" : "username", $"{(d.Username is null ? "username" : "password")} is missing: username and password go together, set both or neither");
        return d;
    }
}
