using System.Text.RegularExpressions;

namespace Gateway.Configuration;

/// <summary>
/// The names of containers and VMs the gateway stops and starts: the privileged helper's rule
/// (<c>[A-Za-z0-9][A-Za-z0-9_.-]{0,127}</c>), checked when the configuration is loaded so a name the helper would
/// refuse is a config error naming the key, not a failed step in the middle of an outage.
/// </summary>
public static partial class MachineName
{
    public static bool IsValid(string name) => Pattern().IsMatch(name);

    /// <summary>Reports every name of <paramref name="key"/> that breaks the rule.</summary>
    internal static void Check(ConfigSection s, string key, string what, IReadOnlyList<string> names)
    {
        foreach (var n in names.Where(n => !IsValid(n)))
            s.Error(key, $"'{n}' is not a valid {what} name: use letters, digits, '_', '.' and '-' (starting with a letter or digit, at most 128 characters)");
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex Pattern();
}
