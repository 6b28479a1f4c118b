using Gateway.Configuration;
using Gateway.Storage;

namespace Gateway.Web.SignIn;

/// <summary>
/// The one admin password of the web pages, kept as a <see cref="PasswordHash"/> in <c>DATA_DIR/admin-password</c>
/// (mode 0600, written atomically; the password itself is never stored or logged). Hashing is slow on purpose, so
/// only one check runs at a time: a flood of logins queues instead of taking every core from the drivers.
/// </summary>
public sealed class AdminPassword
{
    public const string FileName = "admin-password";
    public const int MinLength = 8;
    public const int MaxLength = 256;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly SemaphoreSlim _hashing = new(1, 1);
    private readonly int _iterations;
    private string? _stored;

    public AdminPassword(GatewayConfig config) : this(config.Gateway.DataDir) { }

    public AdminPassword(string dataDir, int iterations = PasswordHash.Iterations)
    {
        Path = System.IO.Path.Combine(dataDir, FileName);
        _iterations = iterations;
        try { _stored = File.Exists(Path) ? File.ReadAllText(Path).Trim() : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { _stored = null; ReadProblem = e.Message; }
        if (_stored is { Length: 0 }) _stored = null;
    }

    public string Path { get; }
    public bool IsSet => Volatile.Read(ref _stored) is not null;
    /// <summary>Why the stored hash could not be read at start (then no password is set and the setup code is needed).</summary>
    public string? ReadProblem { get; }

    /// <summary>Null when the password is acceptable, otherwise what is wrong with it, as a sentence.</summary>
    public static string? Problem(string? password) => password switch
    {
        null or "" => "enter a password",
        { Length: < MinLength } => $"use at least {MinLength} characters",
        { Length: > MaxLength } => $"use at most {MaxLength} characters",
        _ when string.IsNullOrWhiteSpace(password) => "a password of spaces only is too easy to guess",
        _ => null,
    };

    public async Task<bool> VerifyAsync(string password, CancellationToken ct)
    {
        var stored = Volatile.Read(ref _stored);
        if (stored is null) return false;
        await _hashing.WaitAsync(ct).ConfigureAwait(false);
        try { return await Task.Run(() => PasswordHash.Verify(password, stored), ct).ConfigureAwait(false); }
        finally { _hashing.Release(); }
    }

    public async Task SetAsync(string password, CancellationToken ct)
    {
        string hash;
        await _hashing.WaitAsync(ct).ConfigureAwait(false);
        try { hash = await Task.Run(() => PasswordHash.Create(password, _iterations), ct).ConfigureAwait(false); }
        finally { _hashing.Release(); }
        await AtomicFile.WriteAllTextAsync(Path, hash + "\n", ct, OwnerOnly).ConfigureAwait(false);
        Volatile.Write(ref _stored, hash);
    }
}
