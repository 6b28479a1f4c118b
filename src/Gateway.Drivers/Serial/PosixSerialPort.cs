using System.Runtime.InteropServices;

namespace Gateway.Drivers.Serial;

/// <summary>
/// A serial port (or pty) opened with termios directly: raw 8-bit, no flow control, the configured baud,
/// parity and stop bits. Chosen over System.IO.Ports because that needs a side-car native library
/// (libSystem.IO.Ports.Native.so) next to the native-AOT binary; see docs/serial-devices.md.
/// </summary>
public sealed class PosixSerialPort : ISerialTransport, IExchangeTransport
{
    private readonly FileDescriptorChannel _channel;

    private PosixSerialPort(string path, string devicePath, FileDescriptorChannel channel)
    {
        Path = path;
        DevicePath = devicePath;
        _channel = channel;
    }

    public string Path { get; }
    public string DevicePath { get; }

    /// <summary>Resolves the path (symlinks followed), checks the device exists, opens and configures it.</summary>
    /// <exception cref="FileNotFoundException">The path or its target does not exist (adapter unplugged).</exception>
    /// <exception cref="IOException">The device exists but cannot be opened (then <see cref="Exception.HResult"/> is the errno, e.g. 13 for permission denied) or configured.</exception>
    public static PosixSerialPort Open(SerialSettings settings)
    {
        var device = Serial.DevicePath.Resolve(settings.Port)
            ?? throw new FileNotFoundException($"serial device {settings.Port} does not exist", settings.Port);
        var fd = Libc.Open(device, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open {device}: {Libc.Describe(errno)}", errno);
        }
        try
        {
            Configure(fd, settings.Baud, settings.Parity, settings.StopBits, device);
            Libc.TcFlush(fd, Libc.TCIOFLUSH);
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }
        return new PosixSerialPort(settings.Port, device, new FileDescriptorChannel(fd, device));
    }

    internal static void Configure(int fd, int baud, SerialParity parity, int stopBits, string name)
    {
        if (Libc.TcGetAttr(fd, out var t) != 0)
            throw new IOException($"{name} is not a terminal: {Libc.Describe(Marshal.GetLastPInvokeError())}");
        Libc.CfMakeRaw(ref t);
        t.c_cflag &= ~(Libc.CSIZE | Libc.PARENB | Libc.PARODD | Libc.CSTOPB | Libc.CRTSCTS);
        t.c_cflag |= Libc.CS8 | Libc.CLOCAL | Libc.CREAD;
        if (parity != SerialParity.None) t.c_cflag |= Libc.PARENB;
        if (parity == SerialParity.Odd) t.c_cflag |= Libc.PARODD;
        if (stopBits == 2) t.c_cflag |= Libc.CSTOPB;
        unsafe
        {
            t.c_cc[Libc.VMIN] = 0;
            t.c_cc[Libc.VTIME] = 0;
        }
        if (Libc.CfSetSpeed(ref t, Libc.SpeedOf(baud)) != 0)
            throw new IOException($"{name}: cannot set {baud} baud: {Libc.Describe(Marshal.GetLastPInvokeError())}");
        if (Libc.TcSetAttr(fd, Libc.TCSANOW, t) != 0)
            throw new IOException($"{name}: cannot configure: {Libc.Describe(Marshal.GetLastPInvokeError())}");
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _channel.Write(data.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => _channel.ReadAsync(buffer, cancellationToken);

    public int DiscardInput() => _channel.DiscardInput();

    public Task<ExchangeOutcome> ExchangeAsync(ReadOnlyMemory<byte> request, TimeSpan quiet, TimeSpan timeout, Memory<byte> reply, ReplyComplete complete, CancellationToken cancellationToken) =>
        _channel.ExchangeAsync(request, quiet, timeout, reply, complete, cancellationToken);

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) => _channel.DelayAsync(delay, cancellationToken);

    internal FileDescriptorChannel Channel => _channel;

    /// <summary>A <see cref="Stream"/> view (for the simulators and tools that speak Stream).</summary>
    public Stream AsStream() => new TransportStream(this);

    public void Dispose() => _channel.Dispose();

    public override string ToString() => Path == DevicePath ? Path : $"{Path} → {DevicePath}";
}
