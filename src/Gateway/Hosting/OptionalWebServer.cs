using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Gateway.Hosting;

/// <summary>
/// Kestrel, as a part the gateway can lose: when it cannot listen (port in use, no permission) the dashboard and
/// API are off and the log says why and what to do, while the devices, the policy, the shutdown sequence and the
/// NUT server go on. Without this, a busy <c>web.listen</c> port stopped the whole host at start.
/// </summary>
public sealed class OptionalWebServer : IServer
{
    private readonly IServer _kestrel;
    private readonly string _listen;
    private readonly StartupWarnings _warnings;
    private readonly ILogger _log;
    private bool _failed;

    public OptionalWebServer(IServer kestrel, string listen, StartupWarnings warnings, ILogger log)
    {
        _kestrel = kestrel;
        _listen = listen;
        _warnings = warnings;
        _log = log;
    }

    public IFeatureCollection Features => _kestrel.Features;

    /// <summary>Why the web server is not running, or null while it is.</summary>
    public string? Failure { get; private set; }

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull
    {
        try
        {
            await _kestrel.StartAsync(application, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _failed = true;
            Failure = $"The web dashboard and API are off: cannot listen on {_listen}: {Reason(e)}";
            var message = $"{Failure}. The devices, the shutdown policy and the NUT server keep running. "
                + $"Fix: set web.listen to a free address (or stop the program that uses {_listen}; 'ss -ltnp' shows it), then restart the gateway";
            _log.LogError("{Message}", message);
            _warnings.Add(message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => _failed ? Task.CompletedTask : _kestrel.StopAsync(cancellationToken);

    public void Dispose() => _kestrel.Dispose();

    /// <summary>The cause in words (Kestrel's own messages may be bare resource keys in a trimmed build).</summary>
    internal static string Reason(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is AddressInUseException || x is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
                return "the address is already in use by another program";
            if (x is SocketException { SocketErrorCode: SocketError.AccessDenied })
                return "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)";
            if (x is SocketException { SocketErrorCode: SocketError.AddressNotAvailable })
                return "this machine has no such address";
        }
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        return $"{inner.GetType().Name}: {inner.Message}";
    }
}
