namespace Gateway.Configuration;

/// <summary>A device on a serial Modbus RTU line: its port keys and its Modbus address (devices on one port share the wire).</summary>
public interface ISerialDeviceOptions
{
    string Id { get; }
    SerialPortOptions Serial { get; }
    int Address { get; }
}
