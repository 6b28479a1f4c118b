namespace Gateway.Setup;

/// <summary>
/// The body of the SSH host tests (POST /api/setup/ssh/scan, /accept, /login): a configured remote host by
/// <see cref="Name"/>, or a host not saved yet by its fields. <see cref="Fingerprint"/> is the SHA256 fingerprint
/// the user confirmed (accept only).
/// </summary>
public sealed record SshTestRequest(string? Name, string? Host, int? Port, string? User, string? KeyFile, string? KnownHosts, string? Fingerprint);
