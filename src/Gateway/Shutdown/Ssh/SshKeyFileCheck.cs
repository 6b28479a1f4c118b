using System.Runtime.InteropServices;
using Gateway.Configuration;

namespace Gateway.Shutdown.Ssh;

/// <summary>
/// OpenSSH's own rule for a private key file, checked before ssh runs so the report says the fix: a key owned by the
/// user ssh runs as must not be readable by group or others (ssh ignores it as "UNPROTECTED PRIVATE KEY FILE"); a key
/// owned by another user (the package's root:gateway 0640) is fine as long as it is readable.
/// </summary>
public static partial class SshKeyFileCheck
{
    /// <summary>A sentence naming the problem and the fix, or null when ssh will accept the file's owner and mode.</summary>
    public static string? Problem(string path)
    {
        if (OperatingSystem.IsWindows() || Owner(path) is not { } owner || owner.Uid != GetUid()) return null;
        if ((owner.Mode & 0x3F) == 0) return null;
        var user = Environment.UserName;
        return $"key_file {path} is owned by user {user} (the user the gateway runs as) and readable by group or others (mode {Convert.ToString(owner.Mode & 0xFFF, 8).PadLeft(4, '0')}), " +
               $"so OpenSSH refuses to use it; fix: chmod 600 {path} (owner {user}), or as the package sets up its secret files: chown root:{SecretFileCheck.ServiceUser} {path} && chmod 640 {path}";
    }

    /// <summary>The owner and mode bits through statx, whose layout is the same on every architecture.</summary>
    private static (uint Uid, int Mode)? Owner(string path)
    {
        Span<byte> buf = stackalloc byte[256];
        try
        {
            // AT_FDCWD = -100; flags 0 follows symlinks like ssh's open(); mask STATX_MODE | STATX_UID = 0x2 | 0x8.
            if (Statx(-100, path, 0, 0x2 | 0x8, ref MemoryMarshal.GetReference(buf)) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        return (MemoryMarshal.Read<uint>(buf[20..]), MemoryMarshal.Read<ushort>(buf[28..]));
    }

    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte statx);

    [LibraryImport("libc.so.6", EntryPoint = "getuid")]
    private static partial uint GetUid();
}
