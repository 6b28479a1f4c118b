namespace Gateway.Web.Setup;

/// <summary>A configured remote host (shutdown.remote_hosts) the SSH test can use.</summary>
public sealed record SshTarget(string Name, string Host, int Port, string User, string KeyFile, string KnownHosts);
