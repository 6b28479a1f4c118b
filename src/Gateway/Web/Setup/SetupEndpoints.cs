using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Gateway.Configuration;
using Gateway.Drivers.Nut;
using Gateway.Indicators;
using Gateway.LiveApply;
using Gateway.Notifications;
using Gateway.Policy;
using Gateway.Setup;
using Gateway.Shutdown;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Web.Setup;

/// <summary>
/// The test buttons of <c>/settings/tools</c> under <c>/api/setup</c>: serial port list and probe, upstream NUT,
/// MQTT broker, SSH host key scan / accept / login, notification test messages, LED and buzzer patterns. Every
/// one probes or changes something, so every one needs the action permission (<see cref="ApiAccess.CheckAction"/>).
/// A test that ran answers 200 with a <see cref="ToolResult"/> whether the thing tested works or not; a request
/// that cannot run (bad field, unknown name) is a 4xx with the reason.
/// </summary>
public static class SetupEndpoints
{
    public const int MaxIndicatorSeconds = 10;

    public static IEndpointRouteBuilder MapSetupTools(this IEndpointRouteBuilder app)
    {
        var setup = app.MapGroup("/api/setup").AddEndpointFilter(async (ctx, next) =>
            ctx.HttpContext.RequestServices.GetRequiredService<ApiAccess>().CheckAction(ctx.HttpContext) ?? await next(ctx).ConfigureAwait(false));
        setup.MapGet("", Overview);
        setup.MapGet("/serial/ports", (HttpContext ctx) =>
            SerializedJsonResult.Api(Service<SerialPortCatalog>(ctx).List(Config(ctx)), WebReplyJsonContext.Default.SerialPortList));
        setup.MapPost("/serial/probe", (Delegate)SerialProbeAsync);
        setup.MapPost("/nut/test", (Delegate)NutTestAsync);
        setup.MapPost("/mqtt/test", (Delegate)MqttTestAsync);
        setup.MapPost("/ssh/scan", (Delegate)SshScanAsync);
        setup.MapPost("/ssh/accept", (Delegate)SshAcceptAsync);
        setup.MapPost("/ssh/login", (Delegate)SshLoginAsync);
        setup.MapPost("/notifications/{channel}/test", (Delegate)NotificationTestAsync);
        setup.MapPost("/indicators/test", (Delegate)IndicatorTestAsync);
        return app;
    }

    private static IResult Overview(HttpContext ctx)
    {
        var config = Config(ctx);
        var s = ctx.RequestServices;
        var nut = config.Devices.OfType<NutDeviceOptions>()
            .Select(d => new NutTarget(d.Id, d.Host, d.Port, d.Ups, d.Username, !string.IsNullOrEmpty(d.Password))).ToArray();
        var m = config.Mqtt;
        var mqtt = m.Host is null ? null : new MqttTarget(m.Host, m.Port, m.Username, !string.IsNullOrEmpty(m.Password), m.Tls, m.CaFile);
        var hosts = config.Shutdown.RemoteHosts.Select(h => new SshTarget(h.Name, h.Host, h.Port, h.User, h.KeyFile, h.KnownHosts)).ToArray();
        var channels = Senders(ctx).Select(x => x.Name).ToArray();
        var indicators = new IndicatorsView(IndicatorStatus(s), IndicatorPatterns.All.Select(p => new PatternView(p.Name, p.Description)).ToArray());
        var overview = new SetupOverview(nut, mqtt, hosts, channels, indicators, s.GetService<IShutdownRehearsal>() is not null);
        return SerializedJsonResult.Api(overview, WebReplyJsonContext.Default.SetupOverview);
    }

    private static async Task<IResult> SerialProbeAsync(HttpContext ctx)
    {
        var (request, bad) = await ReadAsync(ctx, WebJsonContext.Default.SerialProbeRequest).ConfigureAwait(false);
        if (bad is not null) return bad;
        var probe = Service<SerialProbe>(ctx);
        var config = Config(ctx);
        if (probe.Validate(request!, config) is { } problem) return ApiResults.BadRequest("cannot probe", problem);
        Log(ctx).LogInformation("Setup: probing {Port} for a {Type} at address {Address}", request!.Port, request.Type, request.Address);
        return Reply(await probe.ProbeAsync(request, config, ctx.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> NutTestAsync(HttpContext ctx)
    {
        var (r, bad) = await ReadAsync(ctx, WebJsonContext.Default.NutTestRequest).ConfigureAwait(false);
        if (bad is not null) return bad;
        var config = Config(ctx);
        NutDeviceOptions? device = null;
        if (r!.Device is { } id)
        {
            device = config.Devices.OfType<NutDeviceOptions>().FirstOrDefault(d => d.Id == id);
            if (device is null)
                return ApiResults.NotFound($"no NUT device '{id}' is configured",
                    "give a configured type: nut device id, or 'host' (and 'port', 'ups', 'username', 'password') to test a server not saved yet");
        }
        var host = string.IsNullOrWhiteSpace(r.Host) ? device?.Host : r.Host.Trim();
        if (host is null) return ApiResults.BadRequest("cannot test", "give 'device' (a configured type: nut device) or 'host'");
        var port = r.Port ?? device?.Port ?? 3493;
        if (port is < 1 or > 65535) return ApiResults.BadRequest("cannot test", $"'port' must be from 1 to 65535, got {port}");
        var user = string.IsNullOrWhiteSpace(r.Username) ? device?.Username : r.Username.Trim();
        var password = string.IsNullOrEmpty(r.Password) ? device?.Password : r.Password;
        if (user is not null && password is null) return ApiResults.BadRequest("cannot test", $"give the password of NUT user '{user}' (none is saved)");
        var ups = string.IsNullOrWhiteSpace(r.Ups) ? device?.Ups : r.Ups.Trim();
        Log(ctx).LogInformation("Setup: testing the NUT server {Host}:{Port}", host, port);
        var tls = device is { Tls: true } && host == device.Host ? new NutTlsSettings(device.TlsCaFile, device.TlsFingerprint) : null;
        return Reply(await NutServerTest.RunAsync(host, port, ups, user, password, Time(ctx), ctx.RequestAborted, tls: tls).ConfigureAwait(false));
    }

    private static async Task<IResult> MqttTestAsync(HttpContext ctx)
    {
        var (r, bad) = await ReadAsync(ctx, WebJsonContext.Default.MqttTestRequest).ConfigureAwait(false);
        if (bad is not null) return bad;
        var options = MqttBrokerTest.Merge(Config(ctx).Mqtt, r!);
        Log(ctx).LogInformation("Setup: testing the MQTT broker {Host}:{Port}", options.Host, options.Port);
        return Reply(await MqttBrokerTest.RunAsync(options, Time(ctx), ctx.RequestAborted).ConfigureAwait(false));
    }

    private static Task<IResult> SshScanAsync(HttpContext ctx) => SshAsync(ctx, "scan");

    private static Task<IResult> SshAcceptAsync(HttpContext ctx) => SshAsync(ctx, "accept");

    private static Task<IResult> SshLoginAsync(HttpContext ctx) => SshAsync(ctx, "login");

    private static async Task<IResult> SshAsync(HttpContext ctx, string action)
    {
        var (r, bad) = await ReadAsync(ctx, WebJsonContext.Default.SshTestRequest).ConfigureAwait(false);
        if (bad is not null) return bad;
        if (SshHostCheck.Resolve(r!, Config(ctx), out var error) is not { } host)
            return r!.Name is not null && string.IsNullOrWhiteSpace(r.Host) ? ApiResults.NotFound("unknown remote host", error) : ApiResults.BadRequest("cannot test", error);
        if (action == "accept" && SshHostCheck.WriteProblem(host.KnownHosts, Config(ctx)) is { } refused)
            return ApiResults.BadRequest("cannot write that file", refused);
        var check = Service<SshHostCheck>(ctx);
        Log(ctx).LogInformation("Setup: SSH {Action} of {Host}:{Port}", action, host.Host, host.Port);
        var result = action switch
        {
            "scan" => await check.ScanAsync(host, ctx.RequestAborted).ConfigureAwait(false),
            "accept" => await check.AcceptAsync(host, r!.Fingerprint, ctx.RequestAborted).ConfigureAwait(false),
            _ => await check.LoginAsync(host, ctx.RequestAborted).ConfigureAwait(false),
        };
        return Reply(result);
    }

    private static async Task<IResult> NotificationTestAsync(HttpContext ctx, string channel)
    {
        var senders = Senders(ctx);
        if (senders.FirstOrDefault(x => x.Name == channel) is not { } sender)
            return ApiResults.NotFound($"no notification channel '{channel}' is configured",
                senders.Length == 0 ? "configure one under notifications: (discord, ntfy or webhook) first" : $"configured: {string.Join(", ", senders.Select(x => x.Name))}");
        var config = Config(ctx);
        Log(ctx).LogInformation("Setup: sending a test notification to {Channel}", channel);
        return Reply(await NotificationTest.SendAsync(sender, config.Gateway.Name, config.Notifications.Timeout, Time(ctx), ctx.RequestAborted).ConfigureAwait(false));
    }

    private static async Task<IResult> IndicatorTestAsync(HttpContext ctx)
    {
        var (r, bad) = await ReadAsync(ctx, WebJsonContext.Default.IndicatorTestRequest).ConfigureAwait(false);
        if (bad is not null) return bad;
        if (IndicatorPatterns.Find(r!.Pattern ?? "") is not { } pattern)
            return ApiResults.BadRequest($"unknown pattern '{r.Pattern}'", $"one of: {string.Join(", ", IndicatorPatterns.All.Select(p => p.Name))}");
        var seconds = r.Seconds ?? 5;
        if (seconds is < 1 or > MaxIndicatorSeconds) return ApiResults.BadRequest("bad 'seconds'", $"from 1 to {MaxIndicatorSeconds}, got {seconds}");
        var s = ctx.RequestServices;
        var status = IndicatorStatus(s);
        if (s.GetService<IndicatorStateReader>() is not { } reader || !status.StartsWith("running", StringComparison.Ordinal))
            return Reply(new ToolResult(false, "no_gpio", $"The LED and buzzer are not driven: {status}.",
                "Set gpio.led_pin and gpio.buzzer_pin to the BCM numbers of your wiring (e.g. 17 and 27) and make sure gpio.enabled is true; on a machine without GPIO nothing can light up."));
        reader.Preview(pattern.State, TimeSpan.FromSeconds(seconds));
        Log(ctx).LogInformation("Setup: playing LED/buzzer pattern {Pattern} for {Seconds} s", pattern.Name, seconds);
        return Reply(new ToolResult(true, "ok", $"Playing '{pattern.Name}' for {seconds} s: {pattern.Description}. Afterwards the LED shows the real state again.",
            null, [new ToolFact("indicators", status)]));
    }

    private static string IndicatorStatus(IServiceProvider s) =>
        (s.GetKeyedService<RebuiltService>(IndicatorsServiceCollectionExtensions.LiveKey)?.Current as StatusIndicators ?? s.GetService<StatusIndicators>())?.Status
        ?? "off (no LED or buzzer in this configuration)";

    /// <summary>The channels of the configuration in force (a live apply rebuilds them), each a sender of its own for the test.</summary>
    private static INotificationSender[] Senders(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        return s.GetKeyedService<HttpClient>(PowerProtectionServiceCollectionExtensions.NotificationsKey) is { } http
            ? [.. NotificationChannels.For(Config(ctx).Notifications, http)]
            : [.. s.GetServices<INotificationSender>()];
    }

    private static async Task<(T? Value, IResult? Bad)> ReadAsync<T>(HttpContext ctx, JsonTypeInfo<T> type) where T : class
    {
        if (ctx.Request.ContentLength == 0 || (ctx.Request.ContentLength is null && !ctx.Request.Headers.ContainsKey("Transfer-Encoding")))
            return (JsonSerializer.Deserialize("{}", type), null);
        if (!ctx.Request.HasJsonContentType())
            return (null, ApiResults.Error(StatusCodes.Status415UnsupportedMediaType, "expected a JSON body", "send Content-Type: application/json"));
        try
        {
            var value = await ctx.Request.ReadFromJsonAsync(type, ctx.RequestAborted).ConfigureAwait(false);
            return value is null ? (null, ApiResults.BadRequest("expected a JSON object", "the body was 'null'")) : (value, null);
        }
        catch (JsonException e)
        {
            return (null, ApiResults.BadRequest("the body is not valid JSON for this request", e.Message));
        }
    }

    private static IResult Reply(ToolResult result) => SerializedJsonResult.Api(result, WebReplyJsonContext.Default.ToolResult);

    private static T Service<T>(HttpContext ctx) where T : notnull => ctx.RequestServices.GetRequiredService<T>();

    /// <summary>The configuration in force: after a live apply, not the one the gateway started with.</summary>
    private static GatewayConfig Config(HttpContext ctx) =>
        ctx.RequestServices.GetService<LiveConfig>()?.Current ?? ctx.RequestServices.GetRequiredService<GatewayConfig>();

    private static TimeProvider Time(HttpContext ctx) => ctx.RequestServices.GetRequiredService<TimeProvider>();

    private static ILogger Log(HttpContext ctx) => ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Web.Setup");
}
