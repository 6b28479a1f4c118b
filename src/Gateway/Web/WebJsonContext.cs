using System.Text.Json.Serialization;
using Gateway.Setup;
using Gateway.Web.SignIn;

namespace Gateway.Web;

/// <summary>Source-generated JSON for the web API's request bodies (no reflection: AOT-safe); replies are in <see cref="WebReplyJsonContext"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(SetupRequest))]
[JsonSerializable(typeof(PasswordChangeRequest))]
[JsonSerializable(typeof(SerialProbeRequest))]
[JsonSerializable(typeof(NutTestRequest))]
[JsonSerializable(typeof(MqttTestRequest))]
[JsonSerializable(typeof(SshTestRequest))]
[JsonSerializable(typeof(IndicatorTestRequest))]
public sealed partial class WebJsonContext : JsonSerializerContext;
