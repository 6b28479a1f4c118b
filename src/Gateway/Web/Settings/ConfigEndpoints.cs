using System.Text.Json;
using System.Text.Json.Nodes;
using Gateway.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Web.Settings;

/// <summary>
/// The settings API (signed-in browser or bearer token; see <see cref="ApiAccess"/>): <c>GET /api/config</c> (effective
/// configuration, secrets as markers), <c>PATCH</c> (a part) and <c>PUT</c> (the whole) of <c>/api/config</c>,
/// <c>GET /api/config/backup</c> (YAML download) and <c>POST /api/config/restore</c> (YAML upload). Documented in docs/settings.md.
/// </summary>
public static class ConfigEndpoints
{
    /// <summary>The web server's body limit (<see cref="KestrelLimits"/>): larger than any real configuration.</summary>
    public const int MaxBody = (int)KestrelLimits.MaxRequestBodySize;

    public static IEndpointRouteBuilder MapConfigApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/config").AddEndpointFilter(async (ctx, next) =>
            ctx.HttpContext.RequestServices.GetRequiredService<ApiAccess>().CheckAction(ctx.HttpContext) ?? await next(ctx).ConfigureAwait(false));
        group.MapGet("", Get);
        group.MapMethods("", [HttpMethods.Patch], (Delegate)PatchAsync);
        group.MapPut("", (Delegate)PutAsync);
        group.MapGet("/backup", Backup);
        group.MapPost("/restore", (Delegate)RestoreAsync);
        return app;
    }

    private static IResult Get(HttpContext ctx)
    {
        var store = ctx.RequestServices.GetRequiredService<SettingsStore>();
        var (config, problems) = store.Effective();
        ctx.Response.Headers.CacheControl = "no-store";
        if (config is null) return Refused(problems);
        return Results.Text(config.ToJsonString(), "application/json; charset=utf-8");
    }

    private static async Task<IResult> PatchAsync(HttpContext ctx)
    {
        if (await ReadJsonAsync(ctx).ConfigureAwait(false) is not { } body) return BadJson();
        var store = ctx.RequestServices.GetRequiredService<SettingsStore>();
        return await SaveAsync(ctx, store, snapshot =>
        {
            var overlay = SettingsOverlay.CloneMapping(snapshot.Overlay);
            SettingsEdit.Patch(overlay, SettingsEdit.Saved(snapshot.File, snapshot.Overlay), body);
            SettingsEdit.DropUnchangedDataDir(overlay, store.DataDir);
            return overlay;
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> PutAsync(HttpContext ctx)
    {
        if (await ReadJsonAsync(ctx).ConfigureAwait(false) is not { } body) return BadJson();
        var store = ctx.RequestServices.GetRequiredService<SettingsStore>();
        return await SaveAsync(ctx, store, snapshot =>
        {
            var whole = SettingsEdit.FromJson(body, SettingsEdit.Saved(snapshot.File, snapshot.Overlay));
            var overlay = SettingsEdit.Replace(whole, snapshot.File);
            SettingsEdit.DropUnchangedDataDir(overlay, store.DataDir);
            return overlay;
        }).ConfigureAwait(false);
    }

    private static IResult Backup(HttpContext ctx)
    {
        var s = ctx.RequestServices;
        var store = s.GetRequiredService<SettingsStore>();
        var now = s.GetRequiredService<TimeProvider>().GetUtcNow();
        var text = store.Backup(now);
        ctx.Response.Headers.CacheControl = "no-store";
        ctx.Response.Headers.ContentDisposition = $"attachment; filename=\"gateway-{store.Name}-config-{now:yyyyMMdd-HHmm}.yaml\"";
        return Results.Text(text, "application/yaml; charset=utf-8");
    }

    private static async Task<IResult> RestoreAsync(HttpContext ctx)
    {
        var text = await ReadTextAsync(ctx).ConfigureAwait(false);
        if (text is null) return TooBig();
        var store = ctx.RequestServices.GetRequiredService<SettingsStore>();
        var (tree, problems) = store.ParseUpload(text);
        if (tree is null) return Refused(problems);
        return await SaveAsync(ctx, store, snapshot =>
        {
            var overlay = SettingsEdit.Replace(tree, snapshot.File);
            SettingsEdit.DropUnchangedDataDir(overlay, store.DataDir);
            return overlay;
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> SaveAsync(HttpContext ctx, SettingsStore store, Func<SettingsSnapshot, Gateway.Yaml.YamlMappingNode> change)
    {
        SaveOutcome outcome;
        try
        {
            outcome = await store.SaveAsync(change, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Gateway.Yaml.YamlException)
        {
            return ApiResults.Error(StatusCodes.Status500InternalServerError, "the settings could not be saved",
                $"{e.Message}; nothing was changed. Check that the gateway's user can write {store.OverlayPath} and read {store.FilePath ?? "its config file"}");
        }
        if (!outcome.Saved) return Refused(outcome.Errors);
        if (outcome.ChangedSections.Count == 0)
            return Reply(new ConfigSaveReply(true, [], [], "saved; nothing changed", outcome.Warnings));
        var applier = ctx.RequestServices.GetService<IConfigApplier>();
        if (applier is null)
            return Reply(new ConfigSaveReply(true, [], [.. outcome.ChangedSections.Select(s => $"{s}: saved; restart the gateway to apply")],
                "saved; restart the gateway to apply", outcome.Warnings));
        try
        {
            var applied = await applier.ApplyAsync(outcome.Config!, ctx.RequestAborted).ConfigureAwait(false);
            var message = applied.RestartNeeded ? "saved; some changes take effect after a restart of the gateway" : "saved and applied";
            return Reply(new ConfigSaveReply(true, applied.Applied, applied.NeedsRestart, message, outcome.Warnings));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Gateway.Web.Settings")
                .LogWarning(e, "Web settings: the change was saved but applying it failed; it takes effect at the next start");
            return Reply(new ConfigSaveReply(true, [], [.. outcome.ChangedSections.Select(s => $"{s}: saved; restart the gateway to apply")],
                $"saved, but applying it failed ({e.Message}); restart the gateway to apply", outcome.Warnings));
        }
    }

    private static IResult Reply(ConfigSaveReply reply) => SerializedJsonResult.Api(reply, WebReplyJsonContext.Default.ConfigSaveReply);

    private static IResult Refused(IReadOnlyList<ConfigFieldError> problems) =>
        SerializedJsonResult.Api(new ConfigErrorsReply(problems), WebReplyJsonContext.Default.ConfigErrorsReply, statusCode: StatusCodes.Status422UnprocessableEntity);

    private static async Task<JsonObject?> ReadJsonAsync(HttpContext ctx)
    {
        var text = await ReadTextAsync(ctx).ConfigureAwait(false);
        if (text is null) return null;
        try { return JsonNode.Parse(text) as JsonObject; }
        catch (JsonException) { return null; }
    }

    /// <summary>The body as text, or null when it is larger than <see cref="MaxBody"/>.</summary>
    private static async Task<string?> ReadTextAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > MaxBody) return null;
        // Kestrel stops a longer body at the same limit (413).
        using var reader = new StreamReader(ctx.Request.Body);
        var buffer = new char[MaxBody + 1];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await reader.ReadAsync(buffer.AsMemory(read), ctx.RequestAborted).ConfigureAwait(false);
            if (n == 0) break;
            read += n;
        }
        return read > MaxBody ? null : new string(buffer, 0, read);
    }

    private static IResult BadJson() => ApiResults.BadRequest("expected a JSON object of sections and keys",
        "send Content-Type: application/json with e.g. {\"mqtt\": {\"port\": 1883}} (at most 64 KiB)");

    private static IResult TooBig() => ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "the file is too large",
        $"a configuration is at most {MaxBody / 1024} KiB");
}
