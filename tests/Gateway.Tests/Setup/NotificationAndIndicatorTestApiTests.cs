using System.Device.Gpio;
using Gateway.Drivers.Gpio;
using Gateway.Indicators;
using Gateway.LiveApply;
using Gateway.Notifications;
using Gateway.Tests.Gpio;
using Gateway.Tests.Notifications;
using Gateway.Tests.Support;
using Gateway.Tests.Web;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Setup;

/// <summary>
/// The notification test (the channel's own sender, against a recording HTTP server) and the LED/buzzer patterns
/// (the real StatusIndicators on a recording GPIO driver) through the HTTP API.
/// </summary>
[Trait("Category", "Integration")]
public sealed class NotificationAndIndicatorTestApiTests
{
    private const int Led = 17, Buzz = 27;

    [Fact]
    public async Task A_test_message_goes_through_the_channel_and_a_refusal_is_explained()
    {
        using var server = new RecordingHttpServer();
        using var http = new HttpClient();
        await using var host = await ApiTestHost.StartAsync($"""
            gateway:
              name: garage
            web:
              api_token: {ApiTestHost.Token}
            """, s => s.AddSingleton<INotificationSender>(new WebhookSender(http, server.Url("/hook"))));

        var (resp, sent) = await host.PostJson("/api/setup/notifications/webhook/test", "");
        Assert.True(resp.IsSuccessStatusCode, sent.ToString());
        Assert.True(sent.GetProperty("ok").GetBoolean(), sent.ToString());
        var request = await server.WaitForAsync(1);
        Assert.Contains("Test message from garage", request.Body);

        server.Respond(404);
        var (_, refused) = await host.PostJson("/api/setup/notifications/webhook/test", "");
        Assert.Equal("send_failed", refused.GetProperty("status").GetString());
        Assert.Contains("HTTP 404", refused.GetProperty("message").GetString());
        Assert.Contains("does not know it", refused.GetProperty("fix").GetString());

        var (missing, json) = await host.PostJson("/api/setup/notifications/discord/test", "");
        Assert.Equal(404, (int)missing.StatusCode);
        Assert.Contains("configured: webhook", json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_pattern_plays_on_the_pins_for_the_asked_seconds_then_the_real_state_returns()
    {
        var driver = new RecordingGpioDriver(TimeProvider.System);
        var yaml = $"""
            web:
              api_token: {ApiTestHost.Token}
            gpio:
              led_pin: {Led}
              buzzer_pin: {Buzz}
            """;
        await using var host = await ApiTestHost.StartAsync(yaml, s =>
        {
            s.AddSingleton<GpioOpener>(_ => new GpioOpenResult(driver, 0, "test", null));
            s.AddSingleton(new LiveConfig(ApiTestHost.Config(yaml)));   // the indicators are rebuilt from the configuration in force
            s.AddStatusIndicators(ApiTestHost.Config(yaml));
        });
        bool BuzzerOn() => driver.Writes.LastOrDefault(w => w.Pin == Buzz).Value == PinValue.High;

        var (_, overview) = await host.GetJson("/api/setup", ApiTestHost.Token);
        Assert.StartsWith("running", overview.GetProperty("indicators").GetProperty("status").GetString());

        var (resp, played) = await host.PostJson("/api/setup/indicators/test", """{"pattern":"shutting_down","seconds":1}""");
        Assert.True(resp.IsSuccessStatusCode, played.ToString());
        Assert.True(played.GetProperty("ok").GetBoolean(), played.ToString());
        await Wait.UntilAsync(BuzzerOn, "the buzzer to sound for the shutting_down pattern", TimeSpan.FromSeconds(20));
        await Wait.UntilAsync(() => !BuzzerOn(), "the buzzer to stop when the preview ends", TimeSpan.FromSeconds(20));
        Assert.Null(host.Services.GetRequiredService<IndicatorStateReader>().Previewing);

        var (bad, json) = await host.PostJson("/api/setup/indicators/test", """{"pattern":"disco"}""");
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("slow_blink", json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Without_gpio_the_pattern_test_says_what_to_set()
    {
        await using var host = await ApiTestHost.StartAsync($"""
            web:
              api_token: {ApiTestHost.Token}
            """);
        var (_, result) = await host.PostJson("/api/setup/indicators/test", """{"pattern":"steady"}""");
        Assert.Equal("no_gpio", result.GetProperty("status").GetString());
        Assert.Contains("gpio.led_pin", result.GetProperty("fix").GetString());
    }
}
