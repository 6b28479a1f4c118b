using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Gateway.Notifications;

/// <summary>
/// A JSON request body serialised in one piece: JsonContent streams, and streaming needs property metadata that a
/// context with GenerationMode = Serialization (smaller binary) does not generate. Same Content-Type as JsonContent.
/// </summary>
public static class SerializedJsonContent
{
    public static ByteArrayContent Create<T>(T value, JsonTypeInfo<T> type)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
