using System.Globalization;
using System.Net;

namespace Gateway.Configuration;

/// <summary>
/// One entry of <c>shutdown.restore.wake</c>: a machine woken by Wake-on-LAN after an outage that shut it down or
/// shed it (matched by <see cref="Name"/> with a <c>remote_hosts</c> or shed entry), or after every real shutdown
/// when <see cref="Always"/> (a NUT secondary that shut itself down on FSD).
/// </summary>
/// <param name="Mac">Six bytes, e.g. 00:11:32:aa:bb:cc.</param>
/// <param name="Broadcast">Where the magic packet goes: the LAN's broadcast address (or the host's own address).</param>
/// <param name="CheckHost">The address whose <see cref="CheckPort"/> answers once the host is up; null = not checked.</param>
public sealed record WakeHostOptions(string Name, byte[] Mac, IPAddress Broadcast, int Port, string? CheckHost, int CheckPort, bool Always) : IFingerprinted
{
    void IFingerprinted.WriteFingerprint(FingerprintWriter w)
    {
        w.Add("name", Name);
        w.Add("mac", Mac);
        w.Add("broadcast", Broadcast.ToString());
        w.Add("port", Port);
        w.Add("check_host", CheckHost);
        w.Add("check_port", CheckPort);
        w.Add("always", Always);
    }

    public string MacText => string.Join(':', Mac.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));

    internal static WakeHostOptions Bind(ConfigSection s)
    {
        var name = s.RequiredString("name");
        var macText = s.RequiredString("mac");
        var mac = ParseMac(macText);
        if (mac is null && macText.Length > 0)
            s.Error("mac", $"'{macText}' is not a MAC address; write six hex bytes such as 00:11:32:aa:bb:cc");
        var broadcastText = s.String("broadcast", "255.255.255.255");
        // IPAddress.TryParse also takes legacy short forms ("192.168.1" = 192.168.0.1): insist on four parts.
        if (!IPAddress.TryParse(broadcastText, out var broadcast) || (!broadcastText.Contains(':') && broadcastText.Count(c => c == '.') != 3))
        {
            s.Error("broadcast", $"'{broadcastText}' is not an IP address; use the LAN's broadcast address, e.g. 192.168.1.255");
            broadcast = IPAddress.Broadcast;
        }
        return new WakeHostOptions(name, mac ?? new byte[6], broadcast, s.Int("port", 9, 1, 65535),
            s.OptionalString("check_host"), s.Int("check_port", 22, 1, 65535), s.Bool("always", false));
    }

    /// <summary>00:11:32:aa:bb:cc, 00-11-32-AA-BB-CC or 001132aabbcc.</summary>
    public static byte[]? ParseMac(string text)
    {
        var hex = text.Replace(":", "").Replace("-", "").Replace(".", "");
        if (hex.Length != 12) return null;
        var bytes = new byte[6];
        for (var i = 0; i < 6; i++)
            if (!byte.TryParse(hex.AsSpan(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out bytes[i])) return null;
        return bytes;
    }
}
