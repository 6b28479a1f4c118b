using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Drivers.Nut;

/// <summary>Checks an upstream upsd's certificate: pinned SHA-256 fingerprint, or chain to the configured CA file and host name.</summary>
public sealed class NutCertificateValidator(NutTlsSettings settings)
{
    /// <summary>Why the last check failed, as a sentence for the log.</summary>
    public string? Failure { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            Failure = "the server sent no certificate";
            return false;
        }
        using var cert = new X509Certificate2(certificate);
        if (settings.Fingerprint is { } pinned)
        {
            var actual = Convert.ToHexString(SHA256.HashData(cert.RawData));
            if (string.Equals(actual, Normalize(pinned), StringComparison.OrdinalIgnoreCase)) return true;
            Failure = $"its certificate's SHA-256 fingerprint is {actual}, not the pinned {Normalize(pinned)} (tls_fingerprint)";
            return false;
        }
        if (settings.CaFile is { } caFile)
        {
            if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                Failure = $"its certificate does not name the host this device connects to (subject {cert.Subject})";
                return false;
            }
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            try { custom.ChainPolicy.CustomTrustStore.ImportFromPemFile(caFile); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                Failure = $"cannot read the CA file {caFile}: {e.Message}";
                return false;
            }
            if (custom.Build(cert)) return true;
            Failure = $"its certificate ({cert.Subject}) is not signed by the CA in {caFile}: "
                + string.Join("; ", custom.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            return false;
        }
        if (errors == SslPolicyErrors.None) return true;
        Failure = $"its certificate is not trusted by this system ({errors}); set tls_ca_file or tls_fingerprint";
        return false;
    }

    private static string Normalize(string fingerprint) => fingerprint.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim();
}
