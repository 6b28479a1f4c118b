using System.Runtime.InteropServices;

namespace Gateway.Hosting;

/// <summary>
/// Cryptographically secure random numbers straight from the kernel (getrandom(2), the source /dev/urandom reads and
/// OpenSSL seeds itself from), for what the gateway draws at every start (the one-time setup code).
/// <see cref="System.Security.Cryptography.RandomNumberGenerator"/> on Linux calls OpenSSL's RAND_bytes, and its first
/// use loads libssl and libcrypto (3.7 MiB resident, bench/results.md) into a process that needs them only for TLS,
/// sign-in and notifications.
/// </summary>
public static partial class KernelRandom
{
    private const int EINTR = 4;

    /// <summary>A uniformly distributed integer in [0, <paramref name="toExclusive"/>).</summary>
    public static int GetInt32(int toExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(toExclusive, 1);
        // Rejection sampling: draws at or above the largest multiple of toExclusive would favour the small values.
        var limit = uint.MaxValue - (uint.MaxValue % (uint)toExclusive);
        Span<byte> buffer = stackalloc byte[4];
        while (true)
        {
            Fill(buffer);
            var value = BitConverter.ToUInt32(buffer);
            if (value < limit) return (int)(value % (uint)toExclusive);
        }
    }

    /// <summary>Fills the span; blocks only until the kernel's pool is first initialised (early boot).</summary>
    public static unsafe void Fill(Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var done = 0;
            while (done < buffer.Length)
            {
                var n = GetRandom(p + done, (nuint)(buffer.Length - done), 0);
                if (n > 0) { done += (int)n; continue; }
                var errno = Marshal.GetLastPInvokeError();
                if (n < 0 && errno == EINTR) continue;
                throw new IOException($"The kernel's random number generator (getrandom) failed with errno {errno}; the gateway cannot make a secret without it.");
            }
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "getrandom", SetLastError = true)]
    private static unsafe partial nint GetRandom(byte* buffer, nuint length, uint flags);
}
