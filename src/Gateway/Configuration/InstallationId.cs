using System.Text;
using Gateway.Hosting;

namespace Gateway.Configuration;

/// <summary>
/// A short id that differs between installations and stays put across restarts: 8 hex digits of SHA-256 over
/// "power-gateway:" and <c>/etc/machine-id</c> (hashed, so the machine id itself is never published). Fallbacks, in
/// order: <c>/var/lib/dbus/machine-id</c>, then the host name. Used in the default MQTT client id, so it is computed at
/// every start: with a managed SHA-256, because the framework's would load OpenSSL for it (<see cref="ManagedSha256"/>).
/// </summary>
public static class InstallationId
{
    private static readonly Lazy<string> s_short = new(() => FromMachineId(ReadMachineId()));

    public static string Short => s_short.Value;

    public static string FromMachineId(string machineId) =>
        Convert.ToHexStringLower(ManagedSha256.HashData(Encoding.UTF8.GetBytes("power-gateway:" + machineId.Trim())))[..8];

    private static string ReadMachineId()
    {
        foreach (var path in new[] { "/etc/machine-id", "/var/lib/dbus/machine-id" })
        {
            try
            {
                var text = File.ReadAllText(path).Trim();
                if (text.Length > 0) return text;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return "host:" + Environment.MachineName;
    }
}
