namespace Gateway.Drivers.Threading;

/// <summary>
/// Runs a blocking loop that sleeps on its own descriptors or signals (<see cref="WakeSignal"/>) on a background thread
/// of its own, and hands back a task for its end: an event then wakes that one thread, where an awaited loop on the
/// thread pool made every hand-off a work item that woke a second worker to help (bench/results.md). The task ends with
/// the loop's result, or its exception (including one from starting the thread).
/// </summary>
public static class OwnThread
{
    public static Task<T> Run<T>(string name, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            new Thread(() =>
            {
                try
                {
                    done.TrySetResult(work());
                }
                catch (Exception e)
                {
                    done.TrySetException(e);
                }
            })
            { IsBackground = true, Name = name }.Start();
        }
        catch (Exception e) when (e is OutOfMemoryException or ThreadStartException)
        {
            done.TrySetException(e);
        }
        return done.Task;
    }

    public static Task Run(string name, Action work) => Run(name, () =>
    {
        work();
        return true;
    });
}
