namespace Gateway.Web.SignIn;

/// <summary>The body of <c>POST /api/session/password</c>.</summary>
public sealed record PasswordChangeRequest(string? CurrentPassword, string? NewPassword);
