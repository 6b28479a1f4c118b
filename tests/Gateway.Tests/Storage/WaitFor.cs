namespace Gateway.Tests.Storage;

/// <summary>Polls a condition with a generous deadline (the machine is shared and slow), never sleeps-and-hopes.</summary>
internal static class WaitFor
{
    public static async Task ConditionAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(5);
        }
    }
}
