namespace Gateway.Web.Settings;

/// <summary>The 422 body of a refused change: every problem <c>gateway check-config</c> would report, each at its key.</summary>
public sealed record ConfigErrorsReply(IReadOnlyList<ConfigFieldError> Errors);
