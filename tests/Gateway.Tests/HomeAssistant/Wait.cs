namespace Gateway.Tests.HomeAssistant;

/// <summary>Polls a condition with a deadline (never sleep-and-hope).</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, string what, double seconds = 20)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"timed out after {seconds}s waiting for {what}");
            await Task.Delay(10);
        }
    }
}
