using System.Runtime.InteropServices;
using System.Text;

namespace Gateway.Drivers.Serial;

/// <summary>
/// A pty pair made in-process (posix_openpt/grantpt/unlockpt/ptsname_r). A simulator serves the master
/// side; a driver opens <see cref="SlavePath"/> like any serial device. The pair keeps its own slave
/// descriptor open (raw mode) so the master never sees a hang-up while a driver reopens the slave.
/// </summary>
public sealed class PseudoTerminal : ISerialTransport
{
    private readonly FileDescriptorChannel _master;
    private readonly int _slaveKeepAlive;

    private PseudoTerminal(FileDescriptorChannel master, int slaveKeepAlive, string slavePath)
    {
        _master = master;
        _slaveKeepAlive = slaveKeepAlive;
        SlavePath = slavePath;
    }

    /// <summary>The device a driver opens, e.g. <c>/dev/pts/7</c>.</summary>
    public string SlavePath { get; }

    string ISerialTransport.Path => SlavePath;
    string ISerialTransport.DevicePath => "/dev/ptmx";

    public static unsafe PseudoTerminal Create()
    {
        var master = Libc.PosixOpenPt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (master < 0) throw new IOException($"posix_openpt failed: {Libc.Describe(Marshal.GetLastPInvokeError())}");
        try
        {
            if (Libc.GrantPt(master) != 0 || Libc.UnlockPt(master) != 0)
                throw new IOException($"grantpt/unlockpt failed: {Libc.Describe(Marshal.GetLastPInvokeError())}");
            var name = new byte[128];
            int rc;
            fixed (byte* p = name) rc = Libc.PtsNameR(master, p, (nuint)name.Length);
            if (rc != 0) throw new IOException($"ptsname_r failed: {Libc.Describe(rc)}");
            var path = Encoding.UTF8.GetString(name, 0, Array.IndexOf(name, (byte)0));
            var slave = Libc.Open(path, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (slave < 0) throw new IOException($"cannot open {path}: {Libc.Describe(Marshal.GetLastPInvokeError())}");
            PosixSerialPort.Configure(slave, 9600, SerialParity.None, 1, path);
            return new PseudoTerminal(new FileDescriptorChannel(master, "pty master for " + path), slave, path);
        }
        catch
        {
            Libc.Close(master);
            throw;
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        _master.Write(data.Span);
        return ValueTask.CompletedTask;
    }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken) => _master.ReadAsync(buffer, cancellationToken);

    public int DiscardInput() => _master.DiscardInput();

    /// <summary>The master side as a stream, for a simulator. Disposing the stream closes the pair.</summary>
    public Stream MasterStream() => new TransportStream(this);

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _master.Dispose();
        Libc.Close(_slaveKeepAlive);
    }
}
