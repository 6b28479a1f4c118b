namespace Gateway.Drivers.Modbus;

/// <summary>
/// One holder at a time. Waiting urgent callers (a UPS's status read) go before waiting normal ones (full
/// polls of any device on the bus); each kind is served in arrival order. A cancelled waiter leaves the queue.
/// </summary>
public sealed class PriorityGate
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _urgent = new();
    private readonly LinkedList<TaskCompletionSource> _normal = new();
    private bool _held;

    /// <summary>Enters at once (no allocation) when the gate is free, the usual case; otherwise queues.</summary>
    public Task EnterAsync(bool urgent, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (!_held)
            {
                _held = true;
                return Task.CompletedTask;
            }
        }
        return WaitAsync(urgent, ct);
    }

    private async Task WaitAsync(bool urgent, CancellationToken ct)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LinkedListNode<TaskCompletionSource> node;
        lock (_lock)
        {
            // Freed between the first look and this one.
            if (!_held)
            {
                _held = true;
                return;
            }
            node = (urgent ? _urgent : _normal).AddLast(waiter);
        }
        using (ct.Register(() =>
        {
            lock (_lock)
            {
                if (node.List is null) return;
                node.List.Remove(node);
            }
            waiter.TrySetCanceled(ct);
        }))
        {
            await waiter.Task.ConfigureAwait(false);
        }
    }

    /// <summary>Hands the gate to the next waiter (urgent first) or frees it.</summary>
    public void Exit()
    {
        TaskCompletionSource next;
        lock (_lock)
        {
            var queue = _urgent.Count > 0 ? _urgent : _normal.Count > 0 ? _normal : null;
            if (queue is null)
            {
                _held = false;
                return;
            }
            next = queue.First!.Value;
            queue.RemoveFirst();
        }
        next.TrySetResult();
    }
}
