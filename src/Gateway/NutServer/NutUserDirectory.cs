using Gateway.Configuration;

namespace Gateway.NutServer;

/// <summary>
/// <c>nut_server.users</c>, checked like upsd.users: <c>secondary</c> may LOGIN; <c>primary</c> also PRIMARY and
/// FSD; <c>admin</c> also SET. Instant commands need the command (or <c>all</c>) in the user's <c>instcmds</c>.
/// A wrong password or unknown user is simply "not allowed" (upsd answers ACCESS-DENIED).
/// </summary>
public sealed class NutUserDirectory
{
    private readonly Dictionary<string, NutUserOptions> _users;

    public NutUserDirectory(IEnumerable<NutUserOptions> users) =>
        _users = users.GroupBy(u => u.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    public bool MayDo(string? username, string? password, NutAction action)
    {
        var user = Authenticate(username, password);
        if (user is null) return false;
        return action switch
        {
            NutAction.Login => true,
            NutAction.Primary or NutAction.Fsd => user.Role is "primary" or "admin",
            NutAction.Set => user.Role == "admin",
            _ => false,
        };
    }

    public bool MayRunCommand(string? username, string? password, string command)
    {
        var user = Authenticate(username, password);
        return user is not null && user.Instcmds.Any(c => c.Equals("all", StringComparison.OrdinalIgnoreCase) || c.Equals(command, StringComparison.OrdinalIgnoreCase));
    }

    private NutUserOptions? Authenticate(string? username, string? password) =>
        username is not null && password is not null && _users.TryGetValue(username, out var u) && string.Equals(u.Password, password, StringComparison.Ordinal) ? u : null;
}
