using System.Security.Cryptography;
using System.Text;
using Gateway.Configuration;

namespace Gateway.NutServer;

/// <summary>
/// <c>nut_server.users</c>, checked like upsd.users: <c>secondary</c> may LOGIN; <c>primary</c> also PRIMARY and
/// FSD; <c>admin</c> also SET. Instant commands need the command (or <c>all</c>) in the user's <c>instcmds</c>.
/// A wrong password or unknown user is simply "not allowed" (upsd answers ACCESS-DENIED). Passwords are compared
/// in constant time, and an unknown user costs the same comparison, so timing tells a client nothing.
/// </summary>
public sealed class NutUserDirectory
{
    private static readonly byte[] UnknownUserDigest = SHA256.HashData("\0no such user\0"u8);

    private Dictionary<string, (NutUserOptions User, byte[] Digest)> _users;

    public NutUserDirectory(IEnumerable<NutUserOptions> users) => _users = Index(users);

    /// <summary>The first user of each name (a loop, not GroupBy: each GroupBy instantiation is generic code of its own in the native binary).</summary>
    private static Dictionary<string, (NutUserOptions User, byte[] Digest)> Index(IEnumerable<NutUserOptions> users)
    {
        var byName = new Dictionary<string, (NutUserOptions User, byte[] Digest)>(StringComparer.Ordinal);
        foreach (var u in users)
            if (!byName.ContainsKey(u.Name)) byName[u.Name] = (u, Digest(u.Password));
        return byName;
    }

    /// <summary>
    /// New users and passwords, applied live. Connections stay open: every privileged request is checked against the
    /// directory when it is made, so a client logged in under a removed user (or an old password) keeps reading and
    /// is refused the next thing it needs a user for.
    /// </summary>
    public void Reconfigure(IEnumerable<NutUserOptions> users) => Volatile.Write(ref _users, Index(users));

    /// <summary>The user whose name and password match, else null.</summary>
    public NutUserOptions? Authenticate(string? username, string? password)
    {
        if (username is null || password is null) return null;
        var known = Volatile.Read(ref _users).TryGetValue(username, out var entry);
        // Hashing first makes both sides the same length, so FixedTimeEquals does not leak the password's length.
        var match = CryptographicOperations.FixedTimeEquals(Digest(password), known ? entry.Digest : UnknownUserDigest);
        return known && match ? entry.User : null;
    }

    /// <summary>Whether an authenticated user's role allows the action.</summary>
    public static bool Allows(NutUserOptions user, NutAction action) => action switch
    {
        NutAction.Login => true,
        NutAction.Primary or NutAction.Fsd => user.Role is "primary" or "admin",
        NutAction.Set => user.Role == "admin",
        _ => false,
    };

    /// <summary>Whether an authenticated user's <c>instcmds</c> list the command (or <c>all</c>).</summary>
    public static bool AllowsCommand(NutUserOptions user, string command) =>
        user.Instcmds.Any(c => c.Equals("all", StringComparison.OrdinalIgnoreCase) || c.Equals(command, StringComparison.OrdinalIgnoreCase));

    public bool MayDo(string? username, string? password, NutAction action) =>
        Authenticate(username, password) is { } user && Allows(user, action);

    public bool MayRunCommand(string? username, string? password, string command) =>
        Authenticate(username, password) is { } user && AllowsCommand(user, command);

    private static byte[] Digest(string password) => SHA256.HashData(Encoding.UTF8.GetBytes(password));
}
