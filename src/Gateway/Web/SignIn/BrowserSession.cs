namespace Gateway.Web.SignIn;

/// <summary>A signed-in browser: its CSRF token, when it began and when it was last used (monotonic timestamps).</summary>
public sealed class BrowserSession(string csrfToken, long started)
{
    public string CsrfToken { get; } = csrfToken;
    public long Started { get; } = started;
    public long LastSeen { get; set; } = started;
}
