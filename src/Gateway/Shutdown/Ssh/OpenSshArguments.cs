using Gateway.Configuration;

namespace Gateway.Shutdown.Ssh;

/// <summary>
/// The arguments for OpenSSH's <c>ssh</c>: independent of every user and system configuration (<c>-F /dev/null</c>,
/// only the given known_hosts and key), never prompting (BatchMode, no passwords), never writing anything
/// (strict host key checking, no host key updates; with <c>-F</c> given ssh does not create <c>~/.ssh</c> either).
/// </summary>
public static class OpenSshArguments
{
    /// <summary>With a <paramref name="command"/>, runs it on the host; with null, logs in and opens no session at all (<c>-N</c>).</summary>
    public static IReadOnlyList<string> For(RemoteHostOptions o, string? command)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(o.Timeout.TotalSeconds));
        var alive = Math.Clamp(seconds / 3, 1, 15);
        List<string> a =
        [
            "-v", "-T", "-n",
            "-F", "/dev/null",
            "-o", "BatchMode=yes",
            "-o", "PasswordAuthentication=no",
            "-o", "KbdInteractiveAuthentication=no",
            "-o", "PubkeyAuthentication=yes",
            "-o", "IdentitiesOnly=yes",
            "-o", "IdentityAgent=none",
            "-i", Path(o.KeyFile),
            "-o", "StrictHostKeyChecking=yes",
            "-o", "UserKnownHostsFile=" + Quoted(Path(o.KnownHosts)),
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "UpdateHostKeys=no",
            "-o", "CheckHostIP=no",
            "-o", $"ConnectTimeout={seconds}",
            "-o", $"ServerAliveInterval={alive}",
            "-o", "ServerAliveCountMax=3",
            "-o", "ClearAllForwardings=yes",
            "-p", o.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-l", o.User,
        ];
        if (command is null) a.Add("-N");
        // "--" ends ssh's options: a host name that starts with '-' is a host, never an option.
        a.Add("--");
        a.Add(o.Host);
        if (command is not null) a.Add(command);
        return a;
    }

    /// <summary>ssh expands <c>%</c> tokens in file names: a literal percent sign is written twice.</summary>
    private static string Path(string path) => path.Replace("%", "%%", StringComparison.Ordinal);

    /// <summary>UserKnownHostsFile takes a list separated by spaces: a path with a space is quoted.</summary>
    private static string Quoted(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
