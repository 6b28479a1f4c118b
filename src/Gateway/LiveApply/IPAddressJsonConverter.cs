using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gateway.LiveApply;

/// <summary>Writes an address as its text (IPAddress's own properties throw for IPv4 and are no fingerprint).</summary>
internal sealed class IPAddressJsonConverter : JsonConverter<IPAddress>
{
    public override IPAddress Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        IPAddress.Parse(reader.GetString() ?? "");

    public override void Write(Utf8JsonWriter writer, IPAddress value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
