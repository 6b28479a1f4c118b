using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Support;

/// <summary>One log call as a test logger kept it: what an operator would read, and where it came from.</summary>
public sealed record LogLine(LogLevel Level, string Category, string Message, Exception? Exception)
{
    /// <summary>Level, message and exception in one string, for "this secret never appears anywhere" checks.</summary>
    public string Text => $"{Level}: {Message} {Exception}";
}
