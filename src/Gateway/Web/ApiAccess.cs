using System.Security.Cryptography;
using System.Text;
using Gateway.Configuration;
using Microsoft.AspNetCore.Http;

namespace Gateway.Web;

/// <summary>
/// Who may do what: actions need <c>Authorization: Bearer &lt;web.api_token&gt;</c>; reads are open unless
/// <c>web.auth_reads</c>. The token is compared in constant time (both sides hashed first, so the length
/// does not leak either).
/// </summary>
public sealed class ApiAccess
{
    private readonly byte[]? _tokenHash;

    public ApiAccess(GatewayConfig config)
    {
        var token = config.Web.ApiToken;
        _tokenHash = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
        AuthReads = config.Web.AuthReads && _tokenHash is not null;
    }

    public bool AuthReads { get; }
    public bool TokenConfigured => _tokenHash is not null;

    /// <summary>Null when the request may read; otherwise the 401 reply.</summary>
    public IResult? CheckRead(HttpContext ctx) => AuthReads ? CheckToken(ctx) : null;

    /// <summary>Null when the request may act; otherwise the 403 (no token configured) or 401 reply.</summary>
    public IResult? CheckAction(HttpContext ctx)
    {
        if (_tokenHash is null)
            return ApiResults.Error(StatusCodes.Status403Forbidden, "actions are disabled",
                "set web.api_token in the configuration to allow actions over the API");
        return CheckToken(ctx);
    }

    public bool IsValid(string? presented)
    {
        if (_tokenHash is null || presented is null) return false;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        return CryptographicOperations.FixedTimeEquals(hash, _tokenHash);
    }

    private IResult? CheckToken(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var presented = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : null;
        if (IsValid(presented)) return null;
        ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"gateway\"";
        return ApiResults.Error(StatusCodes.Status401Unauthorized,
            presented is null ? "authorization required" : "invalid token",
            "send the header 'Authorization: Bearer <web.api_token>'");
    }
}
