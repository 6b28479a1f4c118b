namespace Gateway.Drivers.Serial;

public enum SerialParity { None, Even, Odd }
