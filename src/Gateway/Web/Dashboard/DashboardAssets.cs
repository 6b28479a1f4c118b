using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Gateway.Web.Dashboard;

/// <summary>
/// The dashboard's files, embedded in the binary (manifest resources named <c>dashboard/&lt;file&gt;</c>),
/// loaded once with an ETag each. No CDN, nothing read from disk at run time.
/// </summary>
public sealed class DashboardAssets
{
    public const string ResourcePrefix = "dashboard/";

    public sealed record Asset(string Name, byte[] Content, string ContentType, string ETag);

    private readonly FrozenDictionary<string, Asset> _assets;

    public DashboardAssets()
    {
        var asm = typeof(DashboardAssets).Assembly;
        var dict = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var res in asm.GetManifestResourceNames())
        {
            if (!res.StartsWith(ResourcePrefix, StringComparison.Ordinal)) continue;
            using var stream = asm.GetManifestResourceStream(res)!;
            using var ms = new MemoryStream();
            stream.CopyTo(ms);
            var bytes = ms.ToArray();
            var name = res[ResourcePrefix.Length..];
            var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..16] + "\"";
            dict[name] = new Asset(name, bytes, ContentTypeOf(name), etag);
        }
        _assets = dict.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public Asset? Find(string name) => _assets.TryGetValue(name, out var a) ? a : null;

    public IEnumerable<string> Names => _assets.Keys;

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
