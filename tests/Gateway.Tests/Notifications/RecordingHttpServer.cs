using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Gateway.Tests.Notifications;

/// <summary>An HTTP listener on a free loopback port that records every request and answers with scripted status codes.</summary>
public sealed class RecordingHttpServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<int> _statuses = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public RecordingHttpServer()
    {
        for (var attempt = 0; ; attempt++)
        {
            Port = Support.FreePort.Next();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try { _listener.Start(); break; }
            catch (HttpListenerException) when (attempt < 5) { }
        }
        _loop = Task.Run(LoopAsync);
    }

    public int Port { get; }
    public string Url(string path) => $"http://127.0.0.1:{Port}{path}";
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    /// <summary>When set, requests are held until this completes (a hanging endpoint).</summary>
    public TaskCompletionSource? Hold { get; set; }

    /// <summary>Answers the next requests with these codes, then 200.</summary>
    public void Respond(params int[] codes)
    {
        foreach (var c in codes) _statuses.Enqueue(c);
    }

    public async Task<RecordedRequest> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        await Wait.UntilAsync(() => Requests.Count >= count, $"{count} requests (so far {Requests.Count})", timeout);
        return Requests.ElementAt(count - 1);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(async () =>
            {
                using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
                var body = await reader.ReadToEndAsync();
                var headers = ctx.Request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => ctx.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
                Requests.Enqueue(new RecordedRequest(ctx.Request.HttpMethod, ctx.Request.Url!.AbsolutePath, headers, body));
                if (Hold is { } hold) await hold.Task;
                ctx.Response.StatusCode = _statuses.TryDequeue(out var code) ? code : 200;
                ctx.Response.Close();
            });
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        Hold?.TrySetResult();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }

}

public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
