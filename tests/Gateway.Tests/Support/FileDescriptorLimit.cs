using System.Runtime.InteropServices;

namespace Gateway.Tests.Support;

/// <summary>
/// The open-file limit of this process (RLIMIT_NOFILE). Every .NET socket is one descriptor, and child processes
/// inherit the limit, so a test holding thousands of connections raises the soft limit up to the hard one first.
/// </summary>
public static partial class FileDescriptorLimit
{
    private const int RlimitNofile = 7;

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>Raises the soft limit to at least <paramref name="wanted"/> if the hard limit allows; returns the soft limit now in force.</summary>
    public static ulong EnsureAtLeast(ulong wanted)
    {
        if (getrlimit(RlimitNofile, out var limit) != 0)
            throw new InvalidOperationException($"getrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        if (limit.Current >= wanted) return limit.Current;
        var raised = limit with { Current = Math.Min(wanted, limit.Maximum) };
        if (setrlimit(RlimitNofile, in raised) != 0)
            throw new InvalidOperationException($"setrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        return raised.Current;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrlimit(int resource, out RLimit limit);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int setrlimit(int resource, in RLimit limit);
}
