using System.Text.Json.Serialization;

namespace Gateway.Storage;

/// <summary>Source-generated JSON for the event log's data column.</summary>
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
