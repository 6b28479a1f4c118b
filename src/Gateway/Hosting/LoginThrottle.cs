using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// Slows password (or token) guessing per client address, for the NUT server and the web API. The first
/// <see cref="FreeFailures"/> wrong secrets cost nothing (a typo in upsmon.conf); after that the address is locked
/// out for 1 s, doubling with every further failure up to <see cref="MaxLockout"/>. While locked out, every attempt
/// from the address is refused without looking at the secret, so a guess made then is wasted. One correct secret
/// clears the record. One log line per offender, when its lockout begins, never one per attempt.
/// </summary>
public sealed class LoginThrottle
{
    public const int FreeFailures = 5;
    public static readonly TimeSpan FirstLockout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxLockout = TimeSpan.FromSeconds(60);
    /// <summary>An address with no failure for this long starts again with free attempts.</summary>
    public static readonly TimeSpan Forget = TimeSpan.FromMinutes(15);
    /// <summary>Bounds the table when many addresses fail at once (IPv6 gives a client plenty).</summary>
    private const int MaxTracked = 4096;

    private sealed class Entry
    {
        public int Failures;
        public long LastFailure;
        public long LockedUntil;
        public bool Reported;
        /// <summary>Checks begun (<see cref="TryBegin"/>) and not yet ended.</summary>
        public int Pending;

        /// <summary>A clean record: the free failures free again, no lockout, nothing reported.</summary>
        public void Clear()
        {
            Failures = 0;
            LockedUntil = 0;
            Reported = false;
        }
    }

    private readonly TimeSpan _firstLockout;
    private readonly TimeSpan _maxLockout;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly string _service;
    private readonly string _secret;
    private readonly string _hint;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <param name="service">Who logs ("NUT server").</param>
    /// <param name="secret">What was wrong, plural ("passwords").</param>
    /// <param name="hint">What the operator can do about an offender.</param>
    /// <param name="firstLockout">The first lockout (default <see cref="FirstLockout"/>); a person's login may wait longer than a daemon's.</param>
    /// <param name="maxLockout">Where the doubling stops (default <see cref="MaxLockout"/>).</param>
    public LoginThrottle(string service, string secret, string hint, TimeProvider time, ILogger log, TimeSpan? firstLockout = null, TimeSpan? maxLockout = null)
    {
        _firstLockout = firstLockout ?? FirstLockout;
        _maxLockout = maxLockout ?? MaxLockout;
        _service = service;
        _secret = secret;
        _hint = hint;
        _time = time;
        _log = log;
    }

    /// <summary>Failed password checks counted so far (every address; for tests and /api/health).</summary>
    public long TotalFailures { get; private set; }

    /// <summary>Checks refused without looking at the password because the address was locked out.</summary>
    public long TotalLockedOut { get; private set; }

    /// <summary>How long the address is still locked out (zero when it is not).</summary>
    public TimeSpan LockedFor(string address)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(address, out var e) || e.LockedUntil == 0) return TimeSpan.Zero;
            var left = e.LockedUntil - _time.GetTimestamp();
            return left <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(left / (double)_time.TimestampFrequency);
        }
    }

    /// <summary>Whether the address must be refused without a password check right now.</summary>
    public bool IsLockedOut(string address)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(address, out var e) || e.LockedUntil == 0) return false;
            if (_time.GetTimestamp() >= e.LockedUntil) return false;
            TotalLockedOut++;
            return true;
        }
    }

    /// <summary>
    /// One secret from an address, checked as one step: refused unchecked while the address is locked out, otherwise
    /// verified and its outcome recorded under the throttle's lock. Separate calls (<see cref="IsLockedOut"/>, then
    /// <see cref="Failed"/>) leave a gap in which guesses sent at once on many connections all pass the lockout check
    /// before the first of their failures counts, so a burst got more checks than the rule allows. <paramref name="verify"/>
    /// must be quick and take no other lock (a hash compare).
    /// </summary>
    /// <returns>What <paramref name="verify"/> returned; null when it returned null or the address is locked out.</returns>
    public T? Check<T>(string address, string? user, Func<T?> verify, out bool lockedOut) where T : class
    {
        lock (_gate)
        {
            lockedOut = IsLockedOut(address);
            if (lockedOut) return null;
            var result = verify();
            if (result is null) Failed(address, user);
            else Succeeded(address);
            return result;
        }
    }

    /// <summary>
    /// Begins one check whose verification is slow or asynchronous (a password hash), for which <see cref="Check{T}"/>
    /// cannot hold the lock. Refused while the address is locked out, and while the checks already under way from it
    /// would, if all failed, use up its free failures: then one check at a time, so a burst on many connections gets no
    /// more guesses than the rule allows. Every true must be followed by exactly one <see cref="End"/> (try/finally).
    /// </summary>
    public bool TryBegin(string address)
    {
        lock (_gate)
        {
            if (IsLockedOut(address)) return false;
            var e = EntryFor(address, _time.GetTimestamp());
            if (e.Pending > 0 && e.Failures + e.Pending >= FreeFailures)
            {
                TotalLockedOut++;
                return false;
            }
            e.Pending++;
            return true;
        }
    }

    /// <summary>Ends a check begun with <see cref="TryBegin"/>: records its outcome, or only releases it when null (aborted).</summary>
    public void End(string address, bool? succeeded, string? user)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(address, out var e) && e.Pending > 0) e.Pending--;
            if (succeeded == true) Succeeded(address);
            else if (succeeded == false) Failed(address, user);
            else if (e is { Pending: 0, Failures: 0 }) _entries.Remove(address);
        }
    }

    /// <summary>The address's record (created if new), with failures older than <see cref="Forget"/> forgotten.</summary>
    private Entry EntryFor(string address, long now)
    {
        if (_entries.TryGetValue(address, out var e))
        {
            if (e.Failures > 0 && _time.GetElapsedTime(e.LastFailure, now) >= Forget) e.Clear();
            return e;
        }
        if (_entries.Count >= MaxTracked) Prune(now);
        e = new Entry { LastFailure = now };
        _entries[address] = e;
        return e;
    }

    public void Failed(string address, string? user)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            TotalFailures++;
            var e = EntryFor(address, now);
            e.Failures++;
            e.LastFailure = now;
            if (e.Failures < FreeFailures) return;
            var doublings = Math.Min(e.Failures - FreeFailures, 10);
            var lockout = TimeSpan.FromTicks(Math.Min(_firstLockout.Ticks << doublings, _maxLockout.Ticks));
            e.LockedUntil = now + (long)(lockout.TotalSeconds * _time.TimestampFrequency);
            if (e.Reported) return;
            e.Reported = true;
            _log.LogWarning("{Service}: {Failures} wrong {Secret} from {Client}{User}; refusing its logins for {Lockout:0} s, doubling with each "
                + "further failure up to {Max:0} s, until one succeeds. {Hint}",
                _service, e.Failures, _secret, address, user is null ? "" : $" (last user '{user}')", lockout.TotalSeconds, _maxLockout.TotalSeconds, _hint);
        }
    }

    public void Succeeded(string address)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(address, out var e)) return;
            var (reported, failures) = (e.Reported, e.Failures);
            // Checks still under way from the address keep its entry (their End finds it), with a clean record.
            if (e.Pending > 0) e.Clear();
            else _entries.Remove(address);
            if (!reported) return;
            _log.LogInformation("{Service}: {Client} logged in after {Failures} wrong {Secret}; its lockout is lifted", _service, address, failures, _secret);
        }
    }

    private void Prune(long now)
    {
        foreach (var (address, e) in _entries.ToArray())
            if (now >= e.LockedUntil || _time.GetElapsedTime(e.LastFailure, now) >= Forget) _entries.Remove(address);
        // Still full: everyone is locked out right now; forget the oldest half rather than grow without bound.
        if (_entries.Count >= MaxTracked)
            foreach (var (address, _) in _entries.OrderBy(kv => kv.Value.LastFailure).Take(_entries.Count / 2).ToArray()) _entries.Remove(address);
    }
}
