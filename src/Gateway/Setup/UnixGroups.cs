using System.Globalization;

namespace Gateway.Setup;

/// <summary>Group names from <c>/etc/group</c> (for "add the user to group dialout").</summary>
public static class UnixGroups
{
    public static string? NameOf(uint gid, string groupFile = "/etc/group")
    {
        try
        {
            foreach (var line in File.ReadLines(groupFile))
            {
                var f = line.Split(':');
                if (f.Length >= 3 && uint.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id == gid) return f[0];
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return null;
    }
}
