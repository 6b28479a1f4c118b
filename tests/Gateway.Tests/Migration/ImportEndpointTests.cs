using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Configuration;
using Gateway.Tests.Support;
using Gateway.Tests.Web;

namespace Gateway.Tests.Migration;

/// <summary>POST /api/config/import/{kind} on real Kestrel: the converted YAML and report, only with the token, writing nothing.</summary>
[Trait("Category", "Integration")]
[Trait(Lane.Trait, Lane.FullOnly)]
public sealed class ImportEndpointTests : IAsyncLifetime
{
    private readonly TempDir _dir = new("gw-import-api");
    private ApiTestHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await ApiTestHost.StartAsync($"gateway: {{ data_dir: {_dir.File("data")} }}\nweb: {{ api_token: {ApiTestHost.Token} }}\n");

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _dir.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string kind, string body, string? token = ApiTestHost.Token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/config/import/{kind}") { Content = new StringContent(body) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _host.Client.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, doc.RootElement.Clone());
    }

    [Fact]
    public async Task The_reply_carries_the_converted_yaml_and_every_setting_and_nothing_is_written()
    {
        var before = Directory.GetFileSystemEntries(_dir.Path, "*", SearchOption.AllDirectories).Order().ToArray();
        var (status, body) = await PostAsync("ups-monitor", ImportFixtures.Read("ups-monitor-3.0.py"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("ok").GetBoolean());
        var yaml = body.GetProperty("yaml").GetString()!;
        var loaded = ConfigLoader.LoadText(yaml, null, new Dictionary<string, string>(), []);
        Assert.True(loaded.Ok, string.Join("\n", loaded.Problems));
        Assert.Equal("192.168.178.229", Assert.Single(loaded.Config!.Shutdown.RemoteHosts).Host);
        var items = body.GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(items, i => i.GetProperty("old_name").GetString() == "COLOR_RED" && i.GetProperty("status").GetString() == "unmapped");
        Assert.Contains(items, i => i.GetProperty("old_name").GetString() == "LOW_BATTERY_THRESHOLD" && i.GetProperty("new_name").GetString() == "policy.low_battery_percent");
        Assert.Equal(items.Count, body.GetProperty("mapped").GetInt32() + body.GetProperty("review").GetInt32() + body.GetProperty("unmapped").GetInt32());
        Assert.Contains("not mapped:", body.GetProperty("report").GetString());
        Assert.Equal(before, Directory.GetFileSystemEntries(_dir.Path, "*", SearchOption.AllDirectories).Order().ToArray());
    }

    [Fact]
    public async Task Without_the_token_unknown_kinds_and_foreign_files_are_refused_with_reasons()
    {
        var yaml = ImportFixtures.Read("must-monitor-config.yaml");
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("must-monitor", yaml, token: null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("must-monitor", yaml, token: "wrong")).Status);
        var (status, body) = await PostAsync("nut-monitor", yaml);
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("must-monitor, ups-monitor", body.GetProperty("detail").GetString());
        (status, body) = await PostAsync("must-monitor", "serial: [unclosed");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.Contains("not valid YAML", body.GetProperty("problem").GetString());
        (status, body) = await PostAsync("must-monitor", yaml);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("  compat_must_monitor:", body.GetProperty("yaml").GetString());
    }
}
