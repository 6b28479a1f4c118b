using System.Runtime.CompilerServices;

namespace Gateway.Tests.Support;

/// <summary>
/// Hundreds of tests share one test process, and many of them block threads for a while (child processes, ptys,
/// sockets). On two busy cores the thread pool adds threads only slowly, so an in-process server under test
/// (Kestrel, the NUT server, a simulator) could wait seconds for a thread and a test would time out for a reason
/// that is not the gateway's. A higher minimum lets the pool hand out threads at once. Test process only: the
/// gateway itself runs alone in its process.
/// </summary>
public static class ThreadPoolHeadroom
{
    public const int MinThreads = 64;

#pragma warning disable CA2255 // a module initializer is the point: it must be in place before the first test
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, MinThreads), Math.Max(io, MinThreads));
    }
}
