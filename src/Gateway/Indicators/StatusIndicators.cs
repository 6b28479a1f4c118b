using Gateway.Configuration;
using Gateway.Drivers.Gpio;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using System.Device.Gpio;

namespace Gateway.Indicators;

/// <summary>
/// Drives the status LED and buzzer from a timer (never from another component's thread, so it cannot slow
/// anything down). Without GPIO hardware it logs once and does nothing; a GPIO failure later switches it off.
/// On stop the LED goes dark: "off" means the gateway is not running.
/// </summary>
public sealed class StatusIndicators : IHostedService, IDisposable
{
    private readonly GpioOptions _options;
    private readonly IndicatorStateReader _reader;
    private readonly GpioOpener _opener;
    private readonly TimeProvider _time;
    private readonly ILogger<StatusIndicators> _log;
    private readonly Lock _gate = new();
    private GpioController? _controller;
    private StatusLed? _led;
    private Buzzer? _buzzer;
    private IndicatorEngine? _engine;
    private ITimer? _timer;
    private int _busy;

    public StatusIndicators(GpioOptions options, IndicatorStateReader reader, GpioOpener opener, TimeProvider time, ILogger<StatusIndicators> log)
    {
        _options = options;
        _reader = reader;
        _opener = opener;
        _time = time;
        _log = log;
    }

    /// <summary>What the indicators are doing, for logs and tests ("off: no GPIO hardware …", "running on gpiochip0").</summary>
    public string Status { get; private set; } = "not started";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            Status = "disabled (gpio.enabled: false)";
            return Task.CompletedTask;
        }
        if (_options.LedPin is null || _options.BuzzerPin is null)
        {
            // There is no default pin: driving an unknown pin on a HAT is unsafe. Say once what is off and which key turns it on.
            var unset = string.Join(" and ", new[] { _options.LedPin is null ? "gpio.led_pin" : null, _options.BuzzerPin is null ? "gpio.buzzer_pin" : null }.OfType<string>());
            var what = _options.LedPin is null && _options.BuzzerPin is null ? "Status LED and buzzer are" : _options.LedPin is null ? "Status LED is" : "Buzzer is";
            _log.LogInformation("{What} off: {Keys} not set (there is no default pin); set the BCM GPIO number of your wiring, e.g. gpio: {{ led_pin: 17, buzzer_pin: 27 }}",
                what, unset + (unset.Contains(" and ", StringComparison.Ordinal) ? " are" : " is"));
            if (_options.LedPin is null && _options.BuzzerPin is null)
            {
                Status = "off: no gpio.led_pin or gpio.buzzer_pin set";
                return Task.CompletedTask;
            }
        }
        try
        {
            var opened = _opener(_options.Chip);
            if (opened.Driver is null)
            {
                Status = $"off: {opened.Problem}";
                _log.LogInformation("No GPIO hardware ({Problem}); running without the status LED and buzzer", opened.Problem);
                return Task.CompletedTask;
            }
            lock (_gate)
            {
                _controller = new GpioController(opened.Driver);
                if (_options.LedPin is { } ledPin) _led = new StatusLed(new GpioOutputPin(_controller, ledPin, _options.ActiveLow));
                if (_options.BuzzerPin is { } buzzerPin) _buzzer = new Buzzer(new GpioOutputPin(_controller, buzzerPin, _options.ActiveLow));
                _engine = new IndicatorEngine(_reader.Read, _led, _buzzer, QuietHours.Parse(_options.BuzzerQuietHours), _time);
                _engine.Update();
                _timer = _time.CreateTimer(_ => OnTick(), null, IndicatorEngine.Tick, IndicatorEngine.Tick);
            }
            Status = $"running on gpiochip{opened.Chip} ({opened.ChipReason}): LED pin {Show(_options.LedPin)}, buzzer pin {Show(_options.BuzzerPin)}";
            _log.LogInformation("Status LED and buzzer {Status}", Status);
        }
        catch (Exception e)
        {
            Release();
            Status = $"off: {e.Message}";
            _log.LogWarning("Cannot drive the status LED and buzzer ({Error}); running without them", e.Message);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Release();
        if (Status.StartsWith("running", StringComparison.Ordinal)) Status = "stopped";
        return Task.CompletedTask;
    }

    public void Dispose() => Release();

    private void OnTick()
    {
        // A tick that comes while the previous one is still busy (a slow GPIO write) is skipped, not queued.
        if (Interlocked.Exchange(ref _busy, 1) == 1) return;
        try
        {
            lock (_gate) _engine?.Update();
        }
        catch (Exception e)
        {
            _log.LogWarning("Status LED and buzzer stopped after a GPIO error: {Error}", e.Message);
            Status = $"off: {e.Message}";
            Release();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private void Release()
    {
        lock (_gate)
        {
            _timer?.Dispose();
            _timer = null;
            try { _engine?.Stop(); } catch (Exception e) { _log.LogDebug("Turning the indicators off failed: {Error}", e.Message); }
            _engine = null;
            try { _led?.Dispose(); } catch (Exception e) { _log.LogDebug("Releasing the LED pin failed: {Error}", e.Message); }
            try { _buzzer?.Dispose(); } catch (Exception e) { _log.LogDebug("Releasing the buzzer pin failed: {Error}", e.Message); }
            _led = null;
            _buzzer = null;
            try { _controller?.Dispose(); } catch (Exception e) { _log.LogDebug("Closing GPIO failed: {Error}", e.Message); }
            _controller = null;
        }
    }

    private static string Show(int? pin) => pin?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
}
