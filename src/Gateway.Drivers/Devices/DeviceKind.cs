namespace Gateway.Drivers.Devices;

public enum DeviceKind { Ups, Meter }
