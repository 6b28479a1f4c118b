using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests.Shutdown;

/// <summary>Drives a task that waits on a <see cref="FakeTimeProvider"/> to completion, advancing virtual time in small steps.</summary>
public static class VirtualTime
{
    public static async Task RunAsync(FakeTimeProvider time, Task task, TimeSpan? step = null, TimeSpan? limit = null) =>
        await RunAsync(time, task.ContinueWith(t => { t.GetAwaiter().GetResult(); return true; }, TaskScheduler.Default), step, limit);

    public static async Task<T> RunAsync<T>(FakeTimeProvider time, Task<T> task, TimeSpan? step = null, TimeSpan? limit = null)
    {
        var by = step ?? TimeSpan.FromMilliseconds(250);
        var max = limit ?? TimeSpan.FromHours(1);
        var start = time.GetUtcNow();
        var wall = System.Diagnostics.Stopwatch.StartNew();
        while (!task.IsCompleted)
        {
            // Let continuations scheduled by the last advance run before moving the clock again.
            for (var i = 0; i < 20 && !task.IsCompleted; i++) await Task.Yield();
            if (task.IsCompleted) break;
            await Task.Delay(1);
            if (task.IsCompleted) break;
            if (time.GetUtcNow() - start > max) throw new TimeoutException($"still running after {max} of virtual time");
            if (wall.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("still running after 60 s of real time");
            time.Advance(by);
        }
        return await task;
    }
}
