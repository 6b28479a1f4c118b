using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Gateway.Tests.Support;

/// <summary>
/// An ordinary user for the checks that mean nothing as root (root reads every file): CI runs the tests as root,
/// so such a test runs its case as this user through <c>setpriv</c> instead of returning early. The user is
/// <c>nobody</c> (present on every Debian system); on a system without it, <c>gateway-test</c> is created with useradd.
/// </summary>
public sealed partial record UnprivilegedUser(string Name, int Uid, int Gid)
{
    private static readonly Lazy<UnprivilegedUser> Instance = new(Find);

    public static bool IsRoot => geteuid() == 0;

    public static UnprivilegedUser Get() => Instance.Value;

    /// <summary>setpriv arguments that run the rest of the command line as this user (no supplementary groups).</summary>
    public IReadOnlyList<string> SetprivArguments =>
        ["--reuid", Uid.ToString(CultureInfo.InvariantCulture), "--regid", Gid.ToString(CultureInfo.InvariantCulture), "--clear-groups", "--"];

    private static UnprivilegedUser Find()
    {
        if (Lookup("nobody") is { } nobody) return nobody;
        if (Lookup("gateway-test") is { } existing) return existing;
        using var p = Process.Start(new ProcessStartInfo("useradd", ["--system", "--user-group", "--no-create-home", "--shell", "/usr/sbin/nologin", "gateway-test"])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return Lookup("gateway-test") ?? throw new InvalidOperationException($"no user 'nobody', and 'useradd gateway-test' failed ({p.ExitCode}): {err}");
    }

    private static UnprivilegedUser? Lookup(string name)
    {
        foreach (var line in File.ReadLines("/etc/passwd"))
        {
            var f = line.Split(':');
            if (f.Length > 3 && f[0] == name)
                return new UnprivilegedUser(name, int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture));
        }
        return null;
    }

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
