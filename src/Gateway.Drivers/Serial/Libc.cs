using System.Runtime.InteropServices;

namespace Gateway.Drivers.Serial;

/// <summary>
/// The few libc calls a serial port needs. Linux only; the termios layout and constants below are the
/// asm-generic ones shared by x86-64 and arm64 glibc.
/// </summary>
internal static partial class Libc
{
    /// <summary>glibc by its runtime soname: plain "libc" would probe libc.so, which exists only with libc6-dev installed.</summary>
    private const string Name = "libc.so.6";

    public const int O_RDWR = 0x2;
    public const int O_NOCTTY = 0x100;
    public const int O_NONBLOCK = 0x800;
    public const int O_CLOEXEC = 0x80000;

    public const short POLLIN = 0x1;
    public const short POLLOUT = 0x4;
    public const short POLLERR = 0x8;
    public const short POLLHUP = 0x10;
    public const short POLLNVAL = 0x20;

    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EAGAIN = 11;

    public const int TCSANOW = 0;
    public const int TCIFLUSH = 0;
    public const int TCIOFLUSH = 2;

    public const uint CSIZE = 0x30;
    public const uint CS8 = 0x30;
    public const uint CSTOPB = 0x40;
    public const uint CREAD = 0x80;
    public const uint PARENB = 0x100;
    public const uint PARODD = 0x200;
    public const uint CLOCAL = 0x800;
    public const uint CRTSCTS = 0x80000000;
    public const int VTIME = 5;
    public const int VMIN = 6;

    [StructLayout(LayoutKind.Sequential)]
    public unsafe struct Termios
    {
        public uint c_iflag;
        public uint c_oflag;
        public uint c_cflag;
        public uint c_lflag;
        public byte c_line;
        public fixed byte c_cc[32];
        public uint c_ispeed;
        public uint c_ospeed;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int fd;
        public short events;
        public short revents;
    }

    [LibraryImport(Name, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Name, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Name, EntryPoint = "read", SetLastError = true)]
    public static unsafe partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport(Name, EntryPoint = "write", SetLastError = true)]
    public static unsafe partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport(Name, EntryPoint = "poll", SetLastError = true)]
    public static unsafe partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;

    [LibraryImport(Name, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport(Name, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, out Termios termios);

    [LibraryImport(Name, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int optionalActions, in Termios termios);

    [LibraryImport(Name, EntryPoint = "cfmakeraw")]
    public static partial void CfMakeRaw(ref Termios termios);

    [LibraryImport(Name, EntryPoint = "cfsetspeed", SetLastError = true)]
    public static partial int CfSetSpeed(ref Termios termios, uint speed);

    [LibraryImport(Name, EntryPoint = "tcflush", SetLastError = true)]
    public static partial int TcFlush(int fd, int queueSelector);

    [LibraryImport(Name, EntryPoint = "tcdrain", SetLastError = true)]
    public static partial int TcDrain(int fd);

    [LibraryImport(Name, EntryPoint = "posix_openpt", SetLastError = true)]
    public static partial int PosixOpenPt(int flags);

    [LibraryImport(Name, EntryPoint = "grantpt", SetLastError = true)]
    public static partial int GrantPt(int fd);

    [LibraryImport(Name, EntryPoint = "unlockpt", SetLastError = true)]
    public static partial int UnlockPt(int fd);

    [LibraryImport(Name, EntryPoint = "ptsname_r", SetLastError = true)]
    public static unsafe partial int PtsNameR(int fd, byte* buffer, nuint length);

    private const int AT_FDCWD = -100;
    private const uint STATX_GID = 0x10;

    [LibraryImport(Name, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <summary>The owning group id of a file (statx: the same layout on every architecture), or null.</summary>
    public static unsafe uint? GroupIdOf(string path)
    {
        var buffer = stackalloc byte[256];
        if (Statx(AT_FDCWD, path, 0, STATX_GID, buffer) != 0) return null;
        // struct statx: stx_mask u32, stx_blksize u32, stx_attributes u64, stx_nlink u32, stx_uid u32, stx_gid u32 (offset 24).
        return *(uint*)(buffer + 24);
    }

    [LibraryImport(Name, EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    public static string Describe(int errno) => $"{Marshal.PtrToStringUTF8(StrError(errno)) ?? "error"} (errno {errno})";

    /// <summary>termios speed constants (Bxxxx) for the baud rates the devices support.</summary>
    public static uint SpeedOf(int baud) => baud switch
    {
        1200 => 0x9, 2400 => 0xB, 4800 => 0xC, 9600 => 0xD, 19200 => 0xE, 38400 => 0xF,
        57600 => 0x1001, 115200 => 0x1002,
        _ => throw new ArgumentOutOfRangeException(nameof(baud), baud, "unsupported baud rate"),
    };
}
