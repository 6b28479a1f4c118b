using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Gateway.Web;

/// <summary>
/// A JSON reply serialised in one piece. Results.Json streams, and streaming needs property metadata for the first
/// replies; a context with GenerationMode = Serialization has only the fast-path writer (smaller binary), which a
/// one-piece serialisation uses. Same body and Content-Type as Results.Json.
/// </summary>
public sealed class SerializedJsonResult(byte[] body, int statusCode) : IResult
{
    private static readonly JsonWriterOptions ApiWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>With the context's own options (default escaping).</summary>
    public static SerializedJsonResult Of<T>(T value, JsonTypeInfo<T> type, int statusCode = StatusCodes.Status200OK) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, type), statusCode);

    /// <summary>A web API reply from <see cref="WebReplyJsonContext"/>: apostrophes, &lt; and &gt; left readable.</summary>
    public static SerializedJsonResult Api<T>(T value, JsonTypeInfo<T> type, int statusCode = StatusCodes.Status200OK) =>
        new(ApiBytes(value, type), statusCode);

    /// <summary>
    /// The fast-path writer called directly: the serializer refuses it for options with an Encoder, but the writer it
    /// generates honours the Utf8JsonWriter's encoder (replies are application/json or SSE data, never pasted into
    /// HTML; the dashboard escapes what it shows).
    /// </summary>
    public static byte[] ApiBytes<T>(T value, JsonTypeInfo<T> type)
    {
        var handler = type.SerializeHandler
            ?? throw new InvalidOperationException($"{typeof(T).Name} has no generated JSON writer: list it in a context with GenerationMode = Serialization.");
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, ApiWriter)) handler(writer, value);
        return buffer.WrittenSpan.ToArray();
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}
