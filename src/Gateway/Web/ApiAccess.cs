using System.Security.Cryptography;
using System.Text;
using Gateway.Configuration;
using Gateway.Hosting;
using Gateway.Web.SignIn;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Gateway.Web;

/// <summary>
/// Who may do what. Two ways in, one mechanism: <c>Authorization: Bearer &lt;web.api_token&gt;</c> (scripts), or a
/// browser signed in with the admin password (cookie <c>gw_session</c>, see <see cref="SessionStore"/>). Actions need
/// one of them; reads are open unless <c>web.auth_reads</c>, then they need one too. A request authenticated by the
/// cookie that changes something (any method but GET/HEAD) must also carry <c>X-CSRF-Token</c> (the session's token
/// from <c>GET /api/session</c>) and, when the browser sends one, an <c>Origin</c> of this host: another site can make a
/// browser send the cookie, but it can neither read the token nor fake the Origin.
/// The token is compared in constant time (both sides hashed first, so the length does not leak either). Wrong tokens
/// are throttled per client address (<see cref="LoginThrottle"/>): after a few, the address gets 429 without its token
/// being checked, for a pause that doubles up to a minute.
/// </summary>
public sealed class ApiAccess
{
    public const string CsrfHeader = "X-CSRF-Token";
    private readonly byte[]? _tokenHash;
    private readonly SessionStore? _sessions;
    private readonly AdminPassword? _password;

    public ApiAccess(GatewayConfig config, TimeProvider? time = null, ILogger<ApiAccess>? log = null, SessionStore? sessions = null, AdminPassword? password = null)
    {
        Throttle = new LoginThrottle("Web API", "tokens", "Check the token configured in that client, or block it if this is not you",
            time ?? TimeProvider.System, (ILogger?)log ?? NullLogger.Instance);
        var token = config.Web.ApiToken;
        _tokenHash = string.IsNullOrEmpty(token) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
        _sessions = sessions;
        _password = password;
        AuthReads = config.Web.AuthReads && (_tokenHash is not null || sessions is not null);
    }

    public bool AuthReads { get; }
    public LoginThrottle Throttle { get; }
    public bool TokenConfigured => _tokenHash is not null;

    /// <summary>The signed-in browser session of the request (its cookie), or null.</summary>
    public BrowserSession? SessionOf(HttpContext ctx) =>
        _sessions?.Find(ctx.Request.Cookies[SessionStore.CookieName]);

    /// <summary>Null when the request may read; otherwise the 401 (or 403 for a cross-site change) reply.</summary>
    public IResult? CheckRead(HttpContext ctx) => AuthReads ? CheckEither(ctx) : null;

    /// <summary>Null when the request may act; otherwise the 403 (no way in configured, or cross-site) or 401 reply.</summary>
    public IResult? CheckAction(HttpContext ctx)
    {
        if (_tokenHash is null && !HasBearer(ctx) && SessionOf(ctx) is null && _password is not { IsSet: true })
            return ApiResults.Error(StatusCodes.Status403Forbidden, "actions are disabled",
                "set web.api_token in the configuration to allow actions over the API, or set the admin password at /settings to act from the browser");
        return CheckEither(ctx);
    }

    private IResult? CheckEither(HttpContext ctx)
    {
        if (HasBearer(ctx))
        {
            if (_tokenHash is null)
                return ApiResults.Error(StatusCodes.Status403Forbidden, "actions are disabled",
                    "set web.api_token in the configuration to allow 'Authorization: Bearer' over the API, or sign in at /settings to act from the browser");
            return CheckToken(ctx);
        }
        if (SessionOf(ctx) is { } session) return CheckChange(ctx, session);
        if (_sessions is not null && ctx.Request.Cookies.ContainsKey(SessionStore.CookieName))
            return ApiResults.Error(StatusCodes.Status401Unauthorized, "your sign-in has expired",
                "sign in again at /settings");
        if (_sessions is null) return CheckToken(ctx);
        ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"gateway\"";
        return ApiResults.Error(StatusCodes.Status401Unauthorized, "authorization required",
            "sign in at /settings, or send the header 'Authorization: Bearer <web.api_token>'");
    }

    /// <summary>A request carried by the session cookie: reads pass; a change needs the CSRF token and this host as Origin.</summary>
    public static IResult? CheckChange(HttpContext ctx, BrowserSession session)
    {
        var method = ctx.Request.Method;
        if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method)) return null;
        if (CrossSite(ctx) is { } refused) return refused;
        if (!SessionStore.CsrfMatches(session, ctx.Request.Headers[CsrfHeader].ToString() is { Length: > 0 } t ? t : null))
            return ApiResults.Error(StatusCodes.Status403Forbidden, "missing or wrong CSRF token",
                $"a change made with the browser sign-in must send the header '{CsrfHeader}' with the csrf_token of GET /api/session; reload the page and try again");
        return null;
    }

    /// <summary>403 when the browser says the request comes from another site (an Origin header naming another host); null otherwise.</summary>
    public static IResult? CrossSite(HttpContext ctx)
    {
        var origin = ctx.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || OriginIsThisHost(ctx, origin)) return null;
        return ApiResults.Error(StatusCodes.Status403Forbidden, "cross-site request refused",
            $"this change came from another site (Origin: {origin}), not from the gateway's own pages at {ctx.Request.Scheme}://{ctx.Request.Host}; make it there");
    }

    private static bool OriginIsThisHost(HttpContext ctx, string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || (o.Scheme != "http" && o.Scheme != "https")) return false;
        var host = ctx.Request.Host;
        if (!host.HasValue) return false;
        var requestPort = host.Port ?? (ctx.Request.IsHttps ? 443 : 80);
        return string.Equals(o.Host, host.Host, StringComparison.OrdinalIgnoreCase) && o.Port == requestPort
            && string.Equals(o.Scheme, ctx.Request.Scheme, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The client's address as the throttles key it (IPv4-mapped IPv6 as plain IPv4).</summary>
    public static string ClientAddress(HttpContext ctx) =>
        Gateway.Hosting.ConnectionLimiter.Normalized(ctx.Connection.RemoteIpAddress);

    private static bool HasBearer(HttpContext ctx) =>
        ctx.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

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
        if (presented is not null)
        {
            // The lockout check, the compare and its record as one step (see LoginThrottle.Check).
            if (Throttle.Check(ClientAddress(ctx), null, () => IsValid(presented) ? presented : null, out var lockedOut) is not null) return null;
            if (lockedOut)
            {
                ctx.Response.Headers.RetryAfter = "60";
                return ApiResults.Error(StatusCodes.Status429TooManyRequests, "too many wrong tokens",
                    "this address sent several wrong tokens; wait a minute, then send the right 'Authorization: Bearer <web.api_token>'");
            }
        }
        ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"gateway\"";
        return ApiResults.Error(StatusCodes.Status401Unauthorized,
            presented is null ? "authorization required" : "invalid token",
            "send the header 'Authorization: Bearer <web.api_token>'");
    }
}
