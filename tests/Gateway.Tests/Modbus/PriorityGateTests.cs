using Gateway.Drivers.Modbus;

namespace Gateway.Tests.Modbus;

public sealed class PriorityGateTests
{
    [Fact]
    public async Task Waiting_urgent_callers_go_before_waiting_normal_ones_each_in_arrival_order()
    {
        var gate = new PriorityGate();
        await gate.EnterAsync(false, CancellationToken.None);
        var order = new List<string>();
        Task Queue(string name, bool urgent) => gate.EnterAsync(urgent, CancellationToken.None).ContinueWith(_ =>
        {
            lock (order) order.Add(name);
            gate.Exit();
        }, TaskScheduler.Default);
        var waiting = new[] { Queue("poll-1", false), Queue("poll-2", false), Queue("status-1", true), Queue("status-2", true) };
        Assert.All(waiting, t => Assert.False(t.IsCompleted));
        gate.Exit();
        await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(["status-1", "status-2", "poll-1", "poll-2"], order);
    }

    [Fact]
    public async Task A_cancelled_waiter_leaves_the_queue_and_the_gate_still_passes_on()
    {
        var gate = new PriorityGate();
        await gate.EnterAsync(false, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(true, cancel.Token);
        var next = gate.EnterAsync(false, CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.Exit();
        await next.WaitAsync(TimeSpan.FromSeconds(5));
        gate.Exit();
        await gate.EnterAsync(true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
    }
}
