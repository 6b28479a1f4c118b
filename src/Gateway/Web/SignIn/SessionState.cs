using System.Text.Json.Serialization;

namespace Gateway.Web.SignIn;

/// <summary>The reply of <c>GET /api/session</c>: whether this browser is signed in, whether a password exists, and its CSRF token.</summary>
public sealed record SessionState(
    bool SignedIn,
    bool PasswordSet,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? CsrfToken);
