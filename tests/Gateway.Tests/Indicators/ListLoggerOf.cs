using Gateway.Tests.Storage;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Indicators;

/// <summary>A typed <see cref="ListLogger"/>.</summary>
internal sealed class ListLoggerOf<T> : ILogger<T>
{
    private readonly ListLogger _inner = new();
    public IReadOnlyList<(LogLevel Level, string Message)> Lines => _inner.Lines;
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _inner.Log(logLevel, eventId, state, exception, formatter);
}
