using System.Security.Cryptography;
using System.Text;
using Gateway.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Web.SignIn;

/// <summary>
/// The signed-in browsers, in memory (a restart signs everybody out, which is fine for one admin). The cookie holds 32
/// random bytes; only their SHA-256 is kept, so a memory dump does not hand out live cookies. A session ends after
/// <see cref="IdleTimeout"/> unused or <see cref="MaxAge"/> in all, at sign-out, or when the password changes.
/// Wrong passwords and setup codes are throttled per client address (<see cref="Throttle"/>): five are free, then the
/// address waits a minute, doubling with each further miss up to an hour.
/// </summary>
public sealed class SessionStore(TimeProvider time, ILogger<SessionStore>? log = null)
{
    public const string CookieName = "gw_session";
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromDays(7);
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);
    /// <summary>Bounds memory when someone signs in over and over; the least recently used session goes first.</summary>
    public const int MaxSessions = 64;

    public static readonly TimeSpan FirstLockout = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxLockout = TimeSpan.FromHours(1);

    public LoginThrottle Throttle { get; } = new("Web sign-in", "passwords", "If this is not you, block that address; the lockout is per address",
        time, (ILogger?)log ?? NullLogger.Instance, FirstLockout, MaxLockout);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, BrowserSession> _sessions = new(StringComparer.Ordinal);

    public int Count { get { lock (_gate) return _sessions.Count; } }

    /// <summary>Starts a session; returns the cookie value (give it to the browser once, never log it) and the session.</summary>
    public (string Cookie, BrowserSession Session) Create()
    {
        var cookie = Base64Url(RandomNumberGenerator.GetBytes(32));
        var session = new BrowserSession(Base64Url(RandomNumberGenerator.GetBytes(32)), time.GetTimestamp());
        lock (_gate)
        {
            if (_sessions.Count >= MaxSessions)
            {
                var oldest = _sessions.MinBy(kv => kv.Value.LastSeen).Key;
                _sessions.Remove(oldest);
            }
            _sessions[Key(cookie)] = session;
        }
        return (cookie, session);
    }

    /// <summary>The live session of a cookie value, or null (unknown or expired; an expired one is dropped).</summary>
    public BrowserSession? Find(string? cookie)
    {
        if (string.IsNullOrEmpty(cookie) || cookie.Length > 100) return null;
        var key = Key(cookie);
        var now = time.GetTimestamp();
        lock (_gate)
        {
            if (!_sessions.TryGetValue(key, out var s)) return null;
            if (time.GetElapsedTime(s.LastSeen, now) > IdleTimeout || time.GetElapsedTime(s.Started, now) > MaxAge)
            {
                _sessions.Remove(key);
                return null;
            }
            s.LastSeen = now;
            return s;
        }
    }

    public void End(string? cookie)
    {
        if (string.IsNullOrEmpty(cookie)) return;
        lock (_gate) _sessions.Remove(Key(cookie));
    }

    /// <summary>Signs every browser out except <paramref name="keepCookie"/> (after a password change).</summary>
    public void EndAllBut(string? keepCookie)
    {
        var keep = string.IsNullOrEmpty(keepCookie) ? null : Key(keepCookie);
        lock (_gate)
            foreach (var key in _sessions.Keys.ToArray())
                if (key != keep) _sessions.Remove(key);
    }

    public static bool CsrfMatches(BrowserSession session, string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(session.CsrfToken));

    private static string Key(string cookie) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(cookie)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
