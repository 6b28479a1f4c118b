using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Gateway.Web.SignIn;

/// <summary>
/// The admin password's salted slow hash: PBKDF2 with HMAC-SHA256 (System.Security.Cryptography, AOT-safe), a random
/// 16-byte salt and <see cref="Iterations"/> rounds (OWASP's 2023 figure), stored as
/// <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (base64) so the count can grow later without breaking stored hashes.
/// </summary>
public static class PasswordHash
{
    public const int Iterations = 600_000;
    private const string Scheme = "pbkdf2-sha256";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static string Create(string password, int iterations = Iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Join('$', Scheme, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>Whether the password matches the stored hash (constant-time comparison); false for a malformed record.</summary>
    public static bool Verify(string password, string stored)
    {
        var parts = stored.Trim().Split('$');
        if (parts.Length != 4 || parts[0] != Scheme) return false;
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 1 || iterations > 10_000_000) return false;
        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }
        if (expected.Length == 0) return false;
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }
}
