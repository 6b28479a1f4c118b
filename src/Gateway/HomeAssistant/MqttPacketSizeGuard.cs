namespace Gateway.HomeAssistant;

/// <summary>
/// Reads MQTT fixed headers as the bytes go by (type byte, then the 1–4 byte remaining length) and refuses a
/// packet longer than the limit before the broker sees its length, so it never allocates the body.
/// </summary>
public sealed class MqttPacketSizeGuard(int maxPacketSize)
{
    private enum Part { Type, Length, Body }

    private Part _part = Part.Type;
    private int _length;
    private int _multiplier;
    private long _bodyLeft;

    /// <summary>Scans the bytes just read; false when a packet announces more than the limit (or a malformed length).</summary>
    public bool Accept(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            switch (_part)
            {
                case Part.Type:
                    _part = Part.Length;
                    _length = 0;
                    _multiplier = 1;
                    i++;
                    break;
                case Part.Length:
                    var b = bytes[i++];
                    if (_multiplier > 128 * 128 * 128) return false;
                    _length += (b & 0x7F) * _multiplier;
                    _multiplier *= 128;
                    if ((b & 0x80) != 0) break;
                    if (_length > maxPacketSize) return false;
                    _bodyLeft = _length;
                    _part = _bodyLeft == 0 ? Part.Type : Part.Body;
                    break;
                default:
                    var take = (int)Math.Min(_bodyLeft, bytes.Length - i);
                    i += take;
                    _bodyLeft -= take;
                    if (_bodyLeft == 0) _part = Part.Type;
                    break;
            }
        }
        return true;
    }
}
