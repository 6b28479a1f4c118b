using System.Text;
using Gateway.Migration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Web;

/// <summary>
/// <c>POST /api/config/import/{must-monitor|ups-monitor}</c>: the body is the old tool's file; the reply is the
/// converted YAML and the report (<see cref="ImportReply"/>), exactly what <c>gateway import</c> produces. It writes
/// nothing. An action: it needs the API token (<see cref="ApiAccess.CheckAction"/>).
/// </summary>
public static class ImportEndpoints
{
    /// <summary>An old tool's file is a config or a script of some tens of KiB; this is well above, and far below memory trouble.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    public static IEndpointRouteBuilder MapImport(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/config/import/{kind}", (Delegate)ImportAsync);
        return app;
    }

    private static async Task<IResult> ImportAsync(HttpContext ctx, string kind)
    {
        if (ctx.RequestServices.GetRequiredService<ApiAccess>().CheckAction(ctx) is { } denied) return denied;
        if (!ConfigImporters.Kinds.Contains(kind))
            return ApiResults.NotFound($"no importer for '{kind}'", $"use one of: {string.Join(", ", ConfigImporters.Kinds)}");
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxFileBytes;
        string text;
        try
        {
            using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
            text = await reader.ReadToEndAsync(ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiResults.Error(StatusCodes.Status413PayloadTooLarge, "file too large", $"an old tool's file is at most {MaxFileBytes / 1024} KiB; send the config.yaml or the script itself");
        }
        if (string.IsNullOrWhiteSpace(text))
            return ApiResults.BadRequest("empty body", $"send the {kind} file as the request body");
        var name = ctx.Request.Query["name"].ToString() is { Length: > 0 } n ? n : kind == MustMonitorImporter.Kind ? "config.yaml" : "ups-monitor.py";
        var result = ConfigImporters.Import(kind, text, name)!;
        var report = result.Report;
        var reply = new ImportReply(kind, result.Succeeded, result.Yaml, result.Problem,
            report.Count(ImportItemStatus.Mapped), report.Count(ImportItemStatus.Review), report.Count(ImportItemStatus.Unmapped),
            report.Items.Select(i => new ImportItemView(i.OldName, i.Line, i.NewName, i.Status.ToString().ToLowerInvariant(), i.Note)).ToList(),
            result.Succeeded ? report.Format() : $"error: {result.Problem}");
        return SerializedJsonResult.Of(reply, ImportJsonContext.Default.ImportReply, result.Succeeded ? StatusCodes.Status200OK : StatusCodes.Status422UnprocessableEntity);
    }
}
