using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Support;

/// <summary>A <see cref="ListLogger"/> for code that takes an <see cref="ILogger{TCategoryName}"/>.</summary>
public sealed class ListLogger<T>() : ListLogger(typeof(T).Name), ILogger<T>;
