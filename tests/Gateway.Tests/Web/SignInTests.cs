using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gateway.Shutdown;
using Gateway.Tests.Support;
using Gateway.Web.SignIn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Web;

/// <summary>The browser sign-in: password hashing, sessions, and an existing action endpoint used with the session and CSRF.</summary>
public sealed class SignInTests : IDisposable
{
    private readonly TempDir _dir = new("gw-signin");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Password_hashes_are_salted_and_verify_only_the_right_password()
    {
        var a = PasswordHash.Create("correct horse", 1000);
        var b = PasswordHash.Create("correct horse", 1000);
        Assert.NotEqual(a, b);
        Assert.StartsWith("pbkdf2-sha256$1000$", a, StringComparison.Ordinal);
        Assert.True(PasswordHash.Verify("correct horse", a));
        Assert.False(PasswordHash.Verify("correct horsf", a));
        Assert.False(PasswordHash.Verify("correct horse", "pbkdf2-sha256$1000$notbase64$xx"));
        Assert.False(PasswordHash.Verify("correct horse", ""));
    }

    [Fact]
    public void A_session_ends_after_a_week_unused()
    {
        var time = new FakeTimeProvider();
        var sessions = new SessionStore(time, NullLogger<SessionStore>.Instance);
        var (cookie, session) = sessions.Create();
        time.Advance(TimeSpan.FromDays(6));
        Assert.Same(session, sessions.Find(cookie));
        time.Advance(TimeSpan.FromDays(6));
        Assert.NotNull(sessions.Find(cookie));
        time.Advance(SessionStore.IdleTimeout + TimeSpan.FromSeconds(1));
        Assert.Null(sessions.Find(cookie));
        Assert.Null(sessions.Find("made-up"));
    }

    [Fact]
    public void A_password_change_signs_every_other_browser_out()
    {
        var sessions = new SessionStore(new FakeTimeProvider());
        var (mine, _) = sessions.Create();
        var (other, _) = sessions.Create();
        sessions.EndAllBut(mine);
        Assert.NotNull(sessions.Find(mine));
        Assert.Null(sessions.Find(other));
    }

    [Fact]
    public async Task The_admin_password_file_is_private_and_survives_a_restart()
    {
        var password = new AdminPassword(_dir.Path, iterations: 1000);
        Assert.False(password.IsSet);
        await password.SetAsync("correct horse", default);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(password.Path));
        Assert.DoesNotContain("correct horse", await File.ReadAllTextAsync(password.Path), StringComparison.Ordinal);
        var again = new AdminPassword(_dir.Path);
        Assert.True(again.IsSet);
        Assert.True(await again.VerifyAsync("correct horse", default));
        Assert.False(await again.VerifyAsync("wrong horse", default));
    }

    [Fact]
    public async Task An_action_endpoint_works_with_the_browser_session_and_its_csrf_token_only()
    {
        var rehearsal = new FakeRehearsal(TimeProvider.System);
        await using var host = await ApiTestHost.StartAsync($"gateway:\n  data_dir: {_dir.Path}\n",
            s => s.AddSingleton<IShutdownRehearsal>(rehearsal));
        var code = await host.Services.GetRequiredService<SetupCode>().IssueAsync(NullLogger.Instance, default);

        var setup = await host.Client.PostAsync("/api/session/setup", Json($$"""{"setup_code":"{{code}}","password":"correct horse"}"""));
        Assert.Equal(HttpStatusCode.OK, setup.StatusCode);
        var cookie = setup.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var value = cookie.Split(';')[0];
        var csrf = JsonDocument.Parse(await setup.Content.ReadAsStringAsync()).RootElement.GetProperty("csrf_token").GetString()!;

        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(Post(value, null, null))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.Client.SendAsync(Post(value, csrf, "http://evil.example"))).StatusCode);
        Assert.Equal(0, rehearsal.Runs);
        var ok = await host.Client.SendAsync(Post(value, csrf, host.BaseAddress.ToString().TrimEnd('/')));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(1, rehearsal.Runs);

        // A second setup is refused: the password exists and the code is void.
        var again = await host.Client.PostAsync("/api/session/setup", Json($$"""{"setup_code":"{{code}}","password":"another horse"}"""));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    /// <summary>
    /// Wrong passwords sent at once on many connections: the hash is slow and awaited, so a lockout check before it and
    /// a failure recorded after it let every request in the burst be checked. With the clock standing still (the first
    /// lockout never ends) exactly the free failures are checked, and every request is answered 401 or 429.
    /// </summary>
    [Fact]
    public async Task Wrong_passwords_sent_at_once_get_only_the_free_checks()
    {
        await new AdminPassword(_dir.Path).SetAsync("correct horse", default);
        await using var host = await ApiTestHost.StartAsync($"gateway:\n  data_dir: {_dir.Path}\n", time: new FakeTimeProvider());
        var replies = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            host.Client.PostAsync("/api/session", Json($$"""{"password":"guess {{i}}"}"""))));

        Assert.All(replies, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        var throttle = host.Services.GetRequiredService<SessionStore>().Throttle;
        Assert.Equal(Gateway.Hosting.LoginThrottle.FreeFailures, throttle.TotalFailures);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await host.Client.PostAsync("/api/session", Json("""{"password":"correct horse"}"""))).StatusCode);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static HttpRequestMessage Post(string cookie, string? csrf, string? origin)
    {
        var req = new HttpRequestMessage(HttpMethod.Post, "/api/shutdown/test");
        req.Headers.Add("Cookie", cookie);
        if (csrf is not null) req.Headers.Add("X-CSRF-Token", csrf);
        if (origin is not null) req.Headers.Add("Origin", origin);
        return req;
    }
}
