namespace Gateway.Drivers.Nut;

/// <summary>
/// STARTTLS to an upstream upsd and how its certificate is trusted: a PEM CA file (the chain must end there and the
/// name must match <c>host</c>), or the pinned SHA-256 fingerprint of the server's certificate (hex, colons allowed).
/// </summary>
public sealed record NutTlsSettings(string? CaFile, string? Fingerprint);
