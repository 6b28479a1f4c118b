namespace Gateway.Configuration;

/// <summary>One entry of <c>shutdown.remote_hosts</c>: a machine shut down over SSH (keys only, host key verified).</summary>
public sealed record RemoteHostOptions(string Name, string Host, int Port, string User, string KeyFile, string KnownHosts, string Command, TimeSpan Timeout) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("name", Name);
        w.Add("host", Host);
        w.Add("port", Port);
        w.Add("user", User);
        w.Add("key_file", KeyFile);
        w.Add("known_hosts", KnownHosts);
        w.Add("command", Command);
        w.Add("timeout", Timeout);
        w.Add("verify_down", VerifyDown);
    }

    /// <summary>After the command, wait up to this long until the host's SSH port stops answering (0 = do not wait).</summary>
    public TimeSpan VerifyDown { get; init; } = TimeSpan.FromMinutes(2);

    internal static RemoteHostOptions Bind(ConfigSection s)
    {
        var o = new RemoteHostOptions(
            s.RequiredString("name"),
            s.RequiredString("host"),
            s.Int("port", 22, 1, 65535),
            s.RequiredString("user"),
            s.RequiredString("key_file"),
            s.String("known_hosts", "/etc/gateway/known_hosts"),
            s.RequiredString("command"),
            s.Duration("timeout", TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)))
        {
            VerifyDown = s.Duration("verify_down", TimeSpan.FromMinutes(2), TimeSpan.Zero, TimeSpan.FromMinutes(30)),
        };
        if (s.Has("password"))
            s.Error("password", "passwords are not supported for SSH; use key_file (ssh-keygen -t ed25519) and known_hosts");
        return o;
    }
}
