namespace Gateway.HomeAssistant;

/// <summary>
/// MQTT 3.1.1 lets a client leave its client id empty (clean session) for the server to assign one
/// ([MQTT-3.1.3-6]); <c>mosquitto_pub</c> and <c>mosquitto_sub</c> do so unless given <c>-i</c>. MQTTnet's server assigns
/// ids to MQTT 5 clients only and refuses 3.1.1 ones with "identifier rejected", so the built-in broker fills the id
/// into such a CONNECT before MQTTnet reads it.
/// </summary>
public static class MqttEmptyClientId
{
    /// <summary>
    /// The CONNECT packet with <paramref name="clientId"/> in place of an empty client id, or null when the packet is
    /// not a 3.1/3.1.1 CONNECT with an empty id and a clean session (it is then passed on as it is).
    /// </summary>
    public static byte[]? Fill(ReadOnlySpan<byte> packet, string clientId)
    {
        if (packet.Length < 2 || packet[0] != 0x10) return null;
        if (!TryReadLength(packet[1..], out var remaining, out var lengthBytes) || packet.Length != 1 + lengthBytes + remaining) return null;
        var body = packet[(1 + lengthBytes)..];
        if (body.Length < 2) return null;
        var nameLength = (body[0] << 8) | body[1];
        var level = 2 + nameLength;
        var idAt = level + 1 + 1 + 2;
        if (body.Length < idAt + 2 || body[level] is not (3 or 4)) return null;
        if (body[idAt] != 0 || body[idAt + 1] != 0) return null;
        // An empty id with clean session off must be refused ([MQTT-3.1.3-8]): MQTTnet does that itself.
        if ((body[level + 1] & 0x02) == 0) return null;
        var id = System.Text.Encoding.ASCII.GetBytes(clientId);
        var newRemaining = remaining + id.Length;
        var header = new List<byte>(5) { 0x10 };
        for (var x = newRemaining; ; )
        {
            var b = (byte)(x % 128);
            x /= 128;
            header.Add(x > 0 ? (byte)(b | 0x80) : b);
            if (x == 0) break;
        }
        var result = new byte[header.Count + newRemaining];
        header.CopyTo(result);
        var at = header.Count;
        body[..idAt].CopyTo(result.AsSpan(at));
        at += idAt;
        result[at++] = (byte)(id.Length >> 8);
        result[at++] = (byte)id.Length;
        id.CopyTo(result, at);
        at += id.Length;
        body[(idAt + 2)..].CopyTo(result.AsSpan(at));
        return result;
    }

    /// <summary>The packet's total size once its fixed header is complete (null while more bytes are needed).</summary>
    public static int? PacketSize(ReadOnlySpan<byte> start) =>
        start.Length >= 2 && TryReadLength(start[1..], out var remaining, out var lengthBytes) ? 1 + lengthBytes + remaining : null;

    private static bool TryReadLength(ReadOnlySpan<byte> bytes, out int value, out int used)
    {
        value = used = 0;
        for (var multiplier = 1; used < 4 && used < bytes.Length; multiplier *= 128)
        {
            var b = bytes[used++];
            value += (b & 0x7F) * multiplier;
            if ((b & 0x80) == 0) return true;
        }
        return false;
    }
}
