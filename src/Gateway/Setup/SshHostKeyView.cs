namespace Gateway.Setup;

/// <summary>
/// The host key an SSH server offered and how it compares with the known_hosts file: <c>trusted</c> (listed),
/// <c>unknown</c> (not listed: the user may accept it), <c>changed</c> (another key is listed: refused) or
/// <c>revoked</c>.
/// </summary>
public sealed record SshHostKeyView(string Type, string Fingerprint, string KnownHosts, string State);
