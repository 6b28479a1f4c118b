using System.Security.Cryptography;
using System.Text;

namespace Gateway.Shutdown;

/// <summary>
/// An OpenSSH known_hosts file: plain and hashed (<c>|1|salt|hash</c>) host patterns, <c>[host]:port</c> for other
/// ports, <c>*</c>/<c>?</c> wildcards and <c>!</c> negation, <c>@revoked</c> lines. Certificate authorities are not supported.
/// The settings page judges the key <c>ssh-keyscan</c> fetched with it; the shutdown step leaves verification to
/// OpenSSH's <c>ssh</c> itself.
/// </summary>
public sealed class KnownHosts
{
    private readonly List<Entry> _entries;

    private KnownHosts(string path, List<Entry> entries)
    {
        Path = path;
        _entries = entries;
    }

    public string Path { get; }

    public static KnownHosts Load(string path)
    {
        var entries = new List<Entry>();
        var lineNo = 0;
        foreach (var raw in File.ReadLines(path))
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var marker = "";
            if (fields[0].StartsWith('@'))
            {
                marker = fields[0];
                fields = fields[1..];
            }
            if (fields.Length < 3 || marker == "@cert-authority") continue;
            byte[] key;
            try { key = Convert.FromBase64String(fields[2]); }
            catch (FormatException) { continue; }
            entries.Add(new Entry(lineNo, fields[0], fields[1], key, marker == "@revoked"));
        }
        return new KnownHosts(path, entries);
    }

    /// <summary>The name OpenSSH looks up: <c>host</c> on port 22, <c>[host]:port</c> otherwise.</summary>
    public static string LookupName(string host, int port) => port == 22 ? host : $"[{host}]:{port}";

    /// <summary>Key types known for this host (to show the offered key of a known type when a host has several).</summary>
    public IReadOnlySet<string> KeyTypesFor(string host, int port)
    {
        var name = LookupName(host, port);
        return _entries.Where(e => !e.Revoked && Matches(e.Hosts, name)).Select(e => e.KeyType).ToHashSet(StringComparer.Ordinal);
    }

    public HostKeyVerdict Verify(string host, int port, string keyType, byte[] key)
    {
        var name = LookupName(host, port);
        var fingerprint = Fingerprint(key);
        var matching = _entries.Where(e => Matches(e.Hosts, name)).ToList();
        if (matching.FirstOrDefault(e => e.Revoked && e.Key.AsSpan().SequenceEqual(key)) is { } revoked)
            return new HostKeyVerdict(false, fingerprint, $"the {keyType} host key of {name} ({fingerprint}) is marked @revoked in {Path} line {revoked.Line}; refusing to connect");
        if (matching.FirstOrDefault(e => !e.Revoked && e.Key.AsSpan().SequenceEqual(key)) is not null)
            return new HostKeyVerdict(true, fingerprint, null);
        var known = matching.Where(e => !e.Revoked).ToList();
        if (known.Count == 0)
            return new HostKeyVerdict(false, fingerprint,
                $"host {name} is not in {Path} (it offered {keyType} {fingerprint}); refusing to connect. Check the fingerprint on the host, then add it: ssh-keyscan{(port == 22 ? "" : $" -p {port}")} {host} >> {Path}");
        return new HostKeyVerdict(false, fingerprint,
            $"HOST KEY CHANGED for {name}: it offered {keyType} {fingerprint}, which does not match {Path} line{(known.Count == 1 ? "" : "s")} {string.Join(", ", known.Select(e => e.Line))}. Someone may be impersonating the host; refusing to connect. If the host was reinstalled, replace its line in {Path}");
    }

    public static string Fingerprint(byte[] key) => "SHA256:" + Convert.ToBase64String(SHA256.HashData(key)).TrimEnd('=');

    private static bool Matches(string patterns, string name)
    {
        if (patterns.StartsWith("|1|", StringComparison.Ordinal)) return HashedMatch(patterns, name);
        var matched = false;
        foreach (var p in patterns.Split(','))
        {
            var negate = p.StartsWith('!');
            var pattern = negate ? p[1..] : p;
            if (!Wildcard(pattern, name)) continue;
            if (negate) return false;
            matched = true;
        }
        return matched;
    }

    private static bool HashedMatch(string field, string name)
    {
        var parts = field.Split('|');
        if (parts.Length != 4) return false;
        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var hash = Convert.FromBase64String(parts[3]);
            return HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(name)).AsSpan().SequenceEqual(hash);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool Wildcard(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t]))) { p++; t++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }

    private sealed record Entry(int Line, string Hosts, string KeyType, byte[] Key, bool Revoked);
}

/// <summary>Whether a host key is trusted; when not, <see cref="Problem"/> says why in words a person can act on.</summary>
public sealed record HostKeyVerdict(bool Trusted, string Fingerprint, string? Problem);
