using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Web.SignIn;

/// <summary>
/// The browser sign-in: <c>GET /api/session</c> (state and CSRF token), <c>POST /api/session/setup</c> (first password,
/// with the setup code), <c>POST /api/session</c> (sign in), <c>DELETE /api/session</c> (sign out) and
/// <c>POST /api/session/password</c> (change it). See docs/settings.md.
/// </summary>
public static class SessionEndpoints
{
    public static IEndpointRouteBuilder MapSessions(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/session", (HttpContext ctx) => SerializedJsonResult.Api(State(ctx), WebReplyJsonContext.Default.SessionState));
        app.MapPost("/api/session", (Delegate)SignInAsync);
        app.MapDelete("/api/session", SignOut);
        app.MapPost("/api/session/setup", (Delegate)SetupAsync);
        app.MapPost("/api/session/password", (Delegate)ChangePasswordAsync);
        return app;
    }

    private static SessionState State(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        var session = s.GetRequiredService<ApiAccess>().SessionOf(ctx);
        return new SessionState(session is not null, s.GetRequiredService<AdminPassword>().IsSet, session?.CsrfToken);
    }

    private static async Task<IResult> SignInAsync(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        var sessions = s.GetRequiredService<SessionStore>();
        var address = ApiAccess.ClientAddress(ctx);
        var (body, refused) = await BeginAsync(ctx, sessions, address, WebJsonContext.Default.SignInRequest).ConfigureAwait(false);
        if (body is null) return refused!;
        var password = s.GetRequiredService<AdminPassword>();
        if (!password.IsSet)
            return ApiResults.Error(StatusCodes.Status409Conflict, "no admin password is set yet",
                "choose one first: the settings page asks for the setup code from the gateway's log");
        var verified = await VerifyAsync(sessions, address, password, body.Password, ctx.RequestAborted).ConfigureAwait(false);
        if (verified is null) return TooMany(ctx, sessions, address);
        if (verified == false)
            return LockedOut(ctx, sessions, address) ?? ApiResults.Error(StatusCodes.Status401Unauthorized, "wrong password",
                "check the password and try again; after a few wrong ones this address has to wait");
        Log(ctx).LogInformation("Web settings: signed in from {Client}", address);
        return StartSession(ctx, sessions, password);
    }

    private static async Task<IResult> SetupAsync(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        var sessions = s.GetRequiredService<SessionStore>();
        var address = ApiAccess.ClientAddress(ctx);
        var (body, refused) = await BeginAsync(ctx, sessions, address, WebJsonContext.Default.SetupRequest).ConfigureAwait(false);
        if (body is null) return refused!;
        var password = s.GetRequiredService<AdminPassword>();
        var code = s.GetRequiredService<SetupCode>();
        if (password.IsSet)
            return ApiResults.Error(StatusCodes.Status409Conflict, "an admin password is already set",
                $"sign in with it; to start over, delete {password.Path} and restart the gateway (a new setup code is then printed to its log)");
        // The lockout check, the compare and its record as one step (see LoginThrottle.Check).
        if (sessions.Throttle.Check(address, null, () => code.Matches(body.SetupCode) ? body : null, out var lockedOut) is null)
            return lockedOut ? TooMany(ctx, sessions, address) : LockedOut(ctx, sessions, address) ?? ApiResults.Error(StatusCodes.Status403Forbidden, "wrong setup code",
                $"the code is in the gateway's log (journalctl -u gateway | grep 'setup code') and in {code.Path}");
        if (AdminPassword.Problem(body.Password) is { } problem)
            return ApiResults.Error(StatusCodes.Status400BadRequest, "password not accepted", problem);
        await password.SetAsync(body.Password!, ctx.RequestAborted).ConfigureAwait(false);
        code.Retire();
        Log(ctx).LogWarning("Web settings: the admin password was set from {Client}; the setup code is void", address);
        return StartSession(ctx, sessions, password);
    }

    private static IResult SignOut(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        var cookie = ctx.Request.Cookies[SessionStore.CookieName];
        if (s.GetRequiredService<ApiAccess>().SessionOf(ctx) is { } session)
        {
            if (ApiAccess.CheckChange(ctx, session) is { } refused) return refused;
            s.GetRequiredService<SessionStore>().End(cookie);
        }
        ctx.Response.Cookies.Delete(SessionStore.CookieName, CookieOptionsFor(ctx));
        return SerializedJsonResult.Api(new SessionState(false, s.GetRequiredService<AdminPassword>().IsSet, null), WebReplyJsonContext.Default.SessionState);
    }

    private static async Task<IResult> ChangePasswordAsync(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        var access = s.GetRequiredService<ApiAccess>();
        if (access.SessionOf(ctx) is not { } session)
            return ApiResults.Error(StatusCodes.Status401Unauthorized, "not signed in", "sign in at /settings first");
        if (ApiAccess.CheckChange(ctx, session) is { } csrf) return csrf;
        var sessions = s.GetRequiredService<SessionStore>();
        var address = ApiAccess.ClientAddress(ctx);
        var (body, refused) = await BeginAsync(ctx, sessions, address, WebJsonContext.Default.PasswordChangeRequest).ConfigureAwait(false);
        if (body is null) return refused!;
        var password = s.GetRequiredService<AdminPassword>();
        var verified = await VerifyAsync(sessions, address, password, body.CurrentPassword, ctx.RequestAborted).ConfigureAwait(false);
        if (verified is null) return TooMany(ctx, sessions, address);
        if (verified == false)
            return LockedOut(ctx, sessions, address) ?? ApiResults.Error(StatusCodes.Status403Forbidden, "wrong current password",
                "enter the password you signed in with");
        if (AdminPassword.Problem(body.NewPassword) is { } problem)
            return ApiResults.Error(StatusCodes.Status400BadRequest, "new password not accepted", problem);
        await password.SetAsync(body.NewPassword!, ctx.RequestAborted).ConfigureAwait(false);
        sessions.EndAllBut(ctx.Request.Cookies[SessionStore.CookieName]);
        Log(ctx).LogWarning("Web settings: the admin password was changed from {Client}; other browsers are signed out", address);
        return SerializedJsonResult.Api(State(ctx), WebReplyJsonContext.Default.SessionState);
    }

    private static IResult StartSession(HttpContext ctx, SessionStore sessions, AdminPassword password)
    {
        var (cookie, session) = sessions.Create();
        var options = CookieOptionsFor(ctx);
        options.MaxAge = SessionStore.MaxAge;
        ctx.Response.Cookies.Append(SessionStore.CookieName, cookie, options);
        return SerializedJsonResult.Api(new SessionState(true, password.IsSet, session.CsrfToken), WebReplyJsonContext.Default.SessionState);
    }

    private static CookieOptions CookieOptionsFor(HttpContext ctx) =>
        new() { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = ctx.Request.IsHttps, Path = "/", IsEssential = true };

    /// <summary>
    /// A password checked against the throttle (<see cref="LoginThrottle.TryBegin"/>): the hash is slow and awaited, so
    /// the check is counted as under way while it runs; null when the address must wait instead (locked out, or as many
    /// checks already under way as it has free failures left).
    /// </summary>
    private static async Task<bool?> VerifyAsync(SessionStore sessions, string address, AdminPassword password, string? presented, CancellationToken ct)
    {
        if (!sessions.Throttle.TryBegin(address)) return null;
        bool? outcome = null;
        try
        {
            outcome = await password.VerifyAsync(presented ?? "", ct).ConfigureAwait(false);
            return outcome;
        }
        finally
        {
            sessions.Throttle.End(address, outcome, null);
        }
    }

    private static IResult? LockedOut(HttpContext ctx, SessionStore sessions, string address) =>
        sessions.Throttle.IsLockedOut(address) ? TooMany(ctx, sessions, address) : null;

    private static IResult TooMany(HttpContext ctx, SessionStore sessions, string address)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(sessions.Throttle.LockedFor(address).TotalSeconds));
        ctx.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiResults.Error(StatusCodes.Status429TooManyRequests, "too many wrong passwords",
            $"this address is locked out for {seconds} s; wait, then try again (each further miss doubles the wait)");
    }

    /// <summary>What every sign-in request checks first: not cross-site, the address not locked out, a JSON body.</summary>
    private static async Task<(T? Body, IResult? Refused)> BeginAsync<T>(HttpContext ctx, SessionStore sessions, string address,
        System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        if (ApiAccess.CrossSite(ctx) is { } refused) return (null, refused);
        if (LockedOut(ctx, sessions, address) is { } locked) return (null, locked);
        return await ReadAsync(ctx, type).ConfigureAwait(false) is { } body ? (body, null) : (null, BadBody());
    }

    private static async Task<T?> ReadAsync<T>(HttpContext ctx, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) where T : class
    {
        try { return await ctx.Request.ReadFromJsonAsync(type, ctx.RequestAborted).ConfigureAwait(false); }
        catch (Exception e) when (e is JsonException or InvalidOperationException) { return null; }
    }

    private static IResult BadBody() => ApiResults.BadRequest("expected a JSON object",
        "send Content-Type: application/json with e.g. {\"password\": \"...\"}");

    private static ILogger Log(HttpContext ctx) => ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Web.SignIn");
}
