namespace Gateway.Configuration;

/// <summary>
/// One rule for every file that holds a secret (the config with passwords, SSH private keys, TLS keys): readable by
/// the service user, not by other users. The package installs /etc/gateway/config.yaml as root:gateway 0640, so the
/// advice never says chmod 600 (root-owned 0600 would lock the service out of its own configuration).
/// </summary>
public static class SecretFileCheck
{
    /// <summary>The user the packaged service runs as (gateway.service User=/Group=).</summary>
    public const string ServiceUser = "gateway";

    /// <summary>
    /// A sentence naming the problem and the fix when this process (the service user, under gateway.service) cannot read
    /// the file, or null when it can. A file that does not exist is said so, with the key that names it.
    /// </summary>
    public static string? Unreadable(string path, string what, string consequence)
    {
        try
        {
            using var f = File.OpenRead(path);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = e is FileNotFoundException or DirectoryNotFoundException ? "does not exist" : $"is not readable by user {Environment.UserName} ({e.GetType().Name})";
            return $"{path} ({what}) {why}, so {consequence}; fix: chown root:{ServiceUser} {path} && chmod 640 {path} " +
                   $"(readable by the service user {ServiceUser} and nobody else)";
        }
    }

    /// <summary>A sentence naming the problem and the fix, or null when the file is not readable by others (or cannot be checked).</summary>
    public static string? Problem(string path, string what)
    {
        if (OperatingSystem.IsWindows()) return null;
        UnixFileMode mode;
        try { mode = File.GetUnixFileMode(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        if ((mode & UnixFileMode.OtherRead) == 0) return null;
        return $"{path} ({what}) is readable by other users; fix: chmod o-r {path} " +
               $"(as the package sets up its files: chown root:{ServiceUser} {path} && chmod 640 {path}, readable by the service user {ServiceUser} and nobody else)";
    }
}
