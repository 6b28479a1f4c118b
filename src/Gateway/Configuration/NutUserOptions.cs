namespace Gateway.Configuration;

/// <summary>One entry of <c>nut_server.users</c>: like a section of upsd.users.</summary>
public sealed record NutUserOptions(string Name, string Password, string Role, IReadOnlyList<string> Instcmds) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("name", Name);
        w.Add("password", Password);
        w.Add("role", Role);
        w.Add("instcmds", Instcmds);
    }

    public static readonly string[] Roles = ["secondary", "primary", "admin"];

    internal static NutUserOptions Bind(ConfigSection s)
    {
        var role = s.Choice("role", "secondary", Roles);
        // admin may run every instant command and SET; others only what is listed.
        var defaultCmds = role == "admin" ? new[] { "all" } : [];
        return new NutUserOptions(s.RequiredString("name"), s.RequiredString("password"), role, s.Strings("instcmds", defaultCmds));
    }
}
