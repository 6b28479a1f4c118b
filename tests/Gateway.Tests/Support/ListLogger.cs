using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Support;

/// <summary>
/// A logger that keeps every line so tests can assert on what an operator would read. Thread-safe; several
/// loggers can share one list (that is how <see cref="CapturingLoggerProvider"/> collects a whole host's log).
/// </summary>
public class ListLogger(string category = "", ConcurrentQueue<LogLine>? lines = null) : ILogger
{
    private readonly ConcurrentQueue<LogLine> _lines = lines ?? new();

    public IReadOnlyList<LogLine> Lines => _lines.ToArray();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue(new LogLine(logLevel, category, formatter(state, exception), exception));
}
