using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;

namespace Gateway.Web;

/// <summary>
/// A JSON reply serialised in one piece. Results.Json streams, and streaming needs property metadata for the first
/// replies; a context with GenerationMode = Serialization has only the fast-path writer (smaller binary), which the
/// one-piece JsonSerializer.SerializeToUtf8Bytes uses. Same body and Content-Type as Results.Json.
/// </summary>
public sealed class SerializedJsonResult(byte[] body, int statusCode) : IResult
{
    public static SerializedJsonResult Of<T>(T value, JsonTypeInfo<T> type, int statusCode = StatusCodes.Status200OK) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, type), statusCode);

    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = statusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, httpContext.RequestAborted).AsTask();
    }
}
