namespace Gateway.Tests.Reliability;

/// <summary>Open file descriptors and OS threads of this test process, as the kernel counts them.</summary>
public static class ProcessResources
{
    public static int Descriptors => Directory.GetFileSystemEntries("/proc/self/fd").Length;

    public static int Threads => Directory.GetDirectories("/proc/self/task").Length;

    public static string Describe() => $"{Descriptors} fds, {Threads} threads";
}
