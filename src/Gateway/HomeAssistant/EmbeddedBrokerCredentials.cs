using System.Security.Cryptography;
using System.Text;
using Gateway.Configuration;
using Microsoft.Extensions.Logging;

namespace Gateway.HomeAssistant;

/// <summary>
/// The login of the built-in broker. <c>mqtt.username</c>/<c>mqtt.password</c> when set; otherwise, outside demo
/// mode, a user <see cref="GeneratedUser"/> with a random password generated at first start into
/// <c>&lt;data_dir&gt;/mqtt-broker.credentials</c> (mode 0600), shown once in the log and by <c>gateway check-config</c>.
/// Demo mode without a configured user stays open (it binds to 127.0.0.1 unless told otherwise).
/// </summary>
public sealed record EmbeddedBrokerCredentials(string Username, string Password, string? GeneratedFile)
{
    public const string GeneratedUser = "homeassistant";
    public const string FileName = "mqtt-broker.credentials";

    /// <summary>No login: demo mode without mqtt.username.</summary>
    public static readonly EmbeddedBrokerCredentials None = new("", "", null);

    /// <summary>Whether clients must log in.</summary>
    public bool Required => Username.Length > 0;

    public static string PathIn(string dataDir) => Path.Combine(dataDir, FileName);

    public static EmbeddedBrokerCredentials Resolve(MqttOptions o, string dataDir, bool demo, ILogger log)
    {
        if (o.Username is { Length: > 0 } user) return new EmbeddedBrokerCredentials(user, o.Password ?? "", null);
        if (demo) return None;
        var path = PathIn(dataDir);
        if (TryRead(path) is { } existing) return existing;
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var created = new EmbeddedBrokerCredentials(GeneratedUser, password, path);
        try
        {
            Directory.CreateDirectory(dataDir);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var f = new FileStream(path, options))
            {
                f.Write(Encoding.UTF8.GetBytes($"{GeneratedUser}\n{password}\n"));
            }
            log.LogWarning("Built-in MQTT broker: generated its login, user '{User}' password '{Password}' (kept in {Path}; shown only this once, "
                + "and by 'gateway check-config'). Enter it in Home Assistant's MQTT integration, or set mqtt.username and mqtt.password",
                GeneratedUser, password, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Still protected, just not remembered: the next start makes a new password.
            log.LogError("Built-in MQTT broker: cannot store its generated login in {Path} ({Reason}); using user '{User}' password '{Password}' "
                + "until the next start. Fix gateway.data_dir or set mqtt.username and mqtt.password", path, e.Message, GeneratedUser, password);
        }
        return created;
    }

    public static EmbeddedBrokerCredentials? TryRead(string path)
    {
        try
        {
            var lines = File.ReadAllLines(path);
            return lines.Length >= 2 && lines[0].Length > 0 && lines[1].Length > 0 ? new EmbeddedBrokerCredentials(lines[0], lines[1], path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>Constant-time comparison of both fields (hashed first, so lengths do not leak).</summary>
    public bool Matches(string? username, string? password) => !Required ||
        CryptographicOperations.FixedTimeEquals(Hash(Username), Hash(username ?? "")) & CryptographicOperations.FixedTimeEquals(Hash(Password), Hash(password ?? ""));

    private static byte[] Hash(string s) => SHA256.HashData(Encoding.UTF8.GetBytes(s));
}
