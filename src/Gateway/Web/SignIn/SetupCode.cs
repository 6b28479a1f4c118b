using System.Security.Cryptography;
using System.Text;
using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Web.SignIn;

/// <summary>
/// Who may set the first admin password: whoever knows this one-time code. While no password is set, the gateway
/// makes a new code at every start, prints it to its log (the journal) and writes it to <c>DATA_DIR/setup-code</c>
/// (0600): both need the machine's owner (a shell or the journal), which a stranger on the LAN does not have, unlike a
/// "first visitor wins" window. The code is typed into the browser, so it works from a phone. It is void once a
/// password is set.
/// </summary>
public sealed class SetupCode
{
    public const string FileName = "setup-code";
    // No 0/O, 1/I/L: read off a terminal and typed on a phone.
    private const string Alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    private readonly Lock _gate = new();
    private string? _code;

    public SetupCode(string dataDir) => Path = System.IO.Path.Combine(dataDir, FileName);

    public SetupCode(GatewayConfig config) : this(config.Gateway.DataDir) { }

    public string Path { get; }
    public bool Active { get { lock (_gate) return _code is not null; } }

    /// <summary>
    /// Makes a code (from the kernel's CSPRNG: RandomNumberGenerator would load OpenSSL at every start just for this),
    /// writes it to <see cref="Path"/> and logs it. Returns the code shown to the user (XXXX-XXXX).
    /// </summary>
    public async Task<string> IssueAsync(ILogger log, CancellationToken ct)
    {
        var chars = new char[8];
        for (var i = 0; i < chars.Length; i++) chars[i] = Alphabet[KernelRandom.GetInt32(Alphabet.Length)];
        var code = new string(chars, 0, 4) + "-" + new string(chars, 4, 4);
        lock (_gate) _code = Normalize(code);
        var written = false;
        // Only into a data directory that exists (systemd's StateDirectory=): never create one just for this.
        if (Directory.Exists(System.IO.Path.GetDirectoryName(Path)))
        {
            try
            {
                await AtomicFile.WriteAllTextAsync(Path, code + "\n", ct, UnixFileMode.UserRead | UnixFileMode.UserWrite).ConfigureAwait(false);
                written = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.LogWarning("Web settings: cannot write the setup code to {Path} ({Reason}); it is only in this log", Path, e.Message);
            }
        }
        log.LogWarning("Web settings: no admin password is set yet. Open /settings in a browser and enter the setup code {Code} to choose one "
            + "({Where}a new code is made at every start until a password is set)", code, written ? $"also in {Path}; " : "");
        return code;
    }

    public bool Matches(string? presented)
    {
        string? code;
        lock (_gate) code = _code;
        if (code is null || presented is null) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Normalize(presented)), Encoding.UTF8.GetBytes(code));
    }

    /// <summary>After the password is set: the code is void and its file removed.</summary>
    public void Retire()
    {
        lock (_gate) _code = null;
        try { File.Delete(Path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private static string Normalize(string code) => code.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
}
