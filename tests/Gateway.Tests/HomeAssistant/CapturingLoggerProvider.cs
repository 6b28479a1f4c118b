using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.HomeAssistant;

/// <summary>Keeps every log line so tests can assert on what an operator would read.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public sealed record Line(LogLevel Level, string Category, string Message);

    public ConcurrentQueue<Line> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue(new Line(logLevel, category, formatter(state, exception)));
    }
}
