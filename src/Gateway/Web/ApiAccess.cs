using System.Security.Cryptography;
using System.Text;
using Gateway.Configuration;
using Gateway.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Web;

/// <summary>
/// Who may do what: actions need <c>Authorization: Bearer &lt;web.api_token&gt;</c>; reads are open unless
/// <c>web.auth_reads</c>. The token is compared in constant time (both sides hashed first, so the length
/// does not leak either). Wrong tokens are throttled per client address (<see cref="LoginThrottle"/>): after a few,
/// the address gets 429 without its token being checked, for a pause that doubles up to a minute.
/// </summary>
public sealed class ApiAccess
{
    private readonly byte[]? _tokenHash;

    public ApiAccess(GatewayConfig config, TimeProvider? time = null, ILogger<ApiAccess>? log = null)
    {
        Throttle = new LoginThrottle("Web API", "tokens", "Check the token configured in that client, or block it if this is not you",
            time ?? TimeProvider.System, (ILogger?)log ?? NullLogger.Instance);
        var token = config.Web.ApiToken;
        _tokenHash = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
        AuthReads = config.Web.AuthReads && _tokenHash is not null;
    }

    public bool AuthReads { get; }
    public LoginThrottle Throttle { get; }
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
        var address = ctx.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString() : "unknown";
        if (presented is not null && Throttle.IsLockedOut(address))
        {
            ctx.Response.Headers.RetryAfter = "60";
            return ApiResults.Error(StatusCodes.Status429TooManyRequests, "too many wrong tokens",
                "this address sent several wrong tokens; wait a minute, then send the right 'Authorization: Bearer <web.api_token>'");
        }
        if (IsValid(presented))
        {
            Throttle.Succeeded(address);
            return null;
        }
        if (presented is not null) Throttle.Failed(address, null);
        ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"gateway\"";
        return ApiResults.Error(StatusCodes.Status401Unauthorized,
            presented is null ? "authorization required" : "invalid token",
            "send the header 'Authorization: Bearer <web.api_token>'");
    }
}
