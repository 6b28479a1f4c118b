namespace Gateway.Tests.Support;

/// <summary>
/// Polls a condition until it holds or a generous deadline passes (the machine is shared and slow): a test
/// waits for what it needs, never sleeps and hopes. Not for virtual time: there, advance the clock and await a
/// signal from the code under test.
/// </summary>
public static class Wait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, timeout);

    /// <summary>As above for an asynchronous probe; an exception from the probe counts as "not yet" and is reported on timeout.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        Exception? last = null;
        while (true)
        {
            try
            {
                if (await condition()) return;
                last = null;
            }
            catch (Exception e) { last = e; }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out after {limit.TotalSeconds:0.#} s waiting for {what}" + (last is null ? "" : $" (last error: {last.Message})"));
            await Task.Delay(10);
        }
    }
}
