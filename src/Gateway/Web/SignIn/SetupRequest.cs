namespace Gateway.Web.SignIn;

/// <summary>The body of <c>POST /api/session/setup</c>: the one-time setup code and the first admin password.</summary>
public sealed record SetupRequest(string? SetupCode, string? Password);
