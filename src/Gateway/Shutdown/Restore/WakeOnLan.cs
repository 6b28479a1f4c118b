using System.Net;
using System.Net.Sockets;

namespace Gateway.Shutdown.Restore;

/// <summary>Wake-on-LAN: the magic packet (6 × 0xFF, then the MAC 16 times) as one UDP datagram to a broadcast address.</summary>
public static class WakeOnLan
{
    public const int PacketLength = 6 + 16 * 6;

    public static byte[] MagicPacket(ReadOnlySpan<byte> mac)
    {
        if (mac.Length != 6) throw new ArgumentException("a MAC address has six bytes", nameof(mac));
        var packet = new byte[PacketLength];
        packet.AsSpan(0, 6).Fill(0xFF);
        for (var i = 0; i < 16; i++) mac.CopyTo(packet.AsSpan(6 + i * 6));
        return packet;
    }

    /// <summary>Sends one magic packet; a network error is returned as text, never thrown.</summary>
    public static async Task<string?> SendAsync(byte[] mac, IPAddress broadcast, int port, CancellationToken ct)
    {
        try
        {
            using var udp = new UdpClient(broadcast.AddressFamily) { EnableBroadcast = true };
            await udp.SendAsync(MagicPacket(mac), new IPEndPoint(broadcast, port), ct).ConfigureAwait(false);
            return null;
        }
        catch (SocketException e)
        {
            return $"cannot send the magic packet to {broadcast}:{port}: {e.Message}";
        }
    }
}
