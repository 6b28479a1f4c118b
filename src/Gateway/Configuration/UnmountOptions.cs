namespace Gateway.Configuration;

/// <summary>One entry of <c>shutdown.unmounts</c>.</summary>
public sealed record UnmountOptions(string Path, string Options, TimeSpan Timeout) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("path", Path);
        w.Add("options", Options);
        w.Add("timeout", Timeout);
    }

    internal static UnmountOptions Bind(ConfigSection s)
    {
        var path = s.RequiredString("path");
        if (path.Length > 0 && !path.StartsWith('/')) s.Error("path", $"must be an absolute path, got '{path}'");
        return new UnmountOptions(path, s.String("options", ""), s.Duration("timeout", TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(10)));
    }
}
