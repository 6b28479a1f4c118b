using Gateway.DeviceCommands;
using Gateway.Tests.Support;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Configuration;
using Gateway.Drivers.Devices;
using Gateway.Hosting;
using Gateway.Policy;
using Gateway.Readings;
using Gateway.Web;
using Gateway.Web.Alarms;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Web;

/// <summary>
/// The web endpoints on real Kestrel (loopback, free port), composed like GatewayHost but with test doubles
/// for the parts other branches build (drivers, history store, shutdown rehearsal, policy).
/// </summary>
public sealed class ApiTestHost : IAsyncDisposable
{
    public const string Token = "test-token-0123456789abcdef";

    private readonly WebApplication _app;

    private ApiTestHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Uri BaseAddress { get; }
    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;
    public ReadingHub Hub => Services.GetRequiredService<ReadingHub>();
    public EventBus Events => Services.GetRequiredService<EventBus>();
    public AlarmMonitor Alarms => Services.GetRequiredService<AlarmMonitor>();

    public static GatewayConfig Config(string yaml)
    {
        var resultConfig = TestConfig.Load(yaml);
        return resultConfig;
    }

    public static async Task<ApiTestHost> StartAsync(string yaml = "", Action<IServiceCollection>? configure = null, TimeProvider? time = null,
        IEnumerable<IDeviceDriver>? drivers = null)
    {
        var config = Config(yaml);
        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var s = builder.Services;
        s.AddSingleton(config);
        s.AddSingleton(time);
        s.AddSingleton(new StartInfo(time));
        s.AddSingleton<StartupWarnings>();
        s.AddSingleton<ReadingHub>();
        s.AddSingleton<EventBus>();
        s.AddSingleton<DeviceDirectory>();
        s.AddDeviceCommands(config);
        s.AddSingleton<IPolicyStatusSource, UnprotectedPolicyStatusSource>();
        foreach (var d in drivers ?? []) s.AddSingleton(d);
        s.AddGatewayWeb(config);
        // Its data_dir is the machine's default: the first-password setup code must not be written there.
        foreach (var d in s.Where(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService) && d.ImplementationType == typeof(Gateway.Web.SignIn.SetupCodeIssuer)).ToArray())
            s.Remove(d);
        configure?.Invoke(s);
        var app = builder.Build();
        app.UseRequestBodyLimit();
        app.MapHealth();
        app.MapGatewayApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiTestHost(app, new Uri(address));
    }

    public async Task<(HttpResponseMessage Response, JsonElement Json)> GetJson(string path, string? token = null) =>
        await Send(HttpMethod.Get, path, token);

    public async Task<(HttpResponseMessage Response, JsonElement Json)> Send(HttpMethod method, string path, string? token = null)
    {
        using var req = new HttpRequestMessage(method, path);
        if (token is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var resp = await Client.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        var json = text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (resp, json);
    }

    /// <summary>POSTs a JSON body (a raw JSON text) and parses the JSON reply.</summary>
    public async Task<(HttpResponseMessage Response, JsonElement Json)> PostJson(string path, string json, string? token = Token)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        if (token is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var resp = await Client.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        return (resp, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>POSTs a JSON body with the token and returns the reply, failing the test (with the body) unless it is a 2xx.</summary>
    public async Task<JsonElement> PostOk(string path, string json)
    {
        var (resp, reply) = await PostJson(path, json);
        Assert.True(resp.IsSuccessStatusCode, $"{path}: {(int)resp.StatusCode}: {reply}");
        return reply;
    }

    /// <summary>Polls until the condition holds (the alarm monitor works on its own subscription).</summary>
    public static Task Eventually(Func<bool> condition, string what, double seconds = 20) =>
        Wait.UntilAsync(condition, what, TimeSpan.FromSeconds(seconds));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        // Longer than the host's 30 s shutdown timeout, so a request that holds up the stop shows as a 30 s stop.
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
