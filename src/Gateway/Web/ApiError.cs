namespace Gateway.Web;

/// <summary>The body of every 4xx/5xx reply: what went wrong, in words.</summary>
public sealed record ApiError(string Error, string? Detail = null);
