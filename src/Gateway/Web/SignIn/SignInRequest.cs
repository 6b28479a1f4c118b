namespace Gateway.Web.SignIn;

/// <summary>The body of <c>POST /api/session</c> (sign in).</summary>
public sealed record SignInRequest(string? Password);
