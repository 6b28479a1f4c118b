using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Hosting;

/// <summary>Demo-mode controls: <c>POST /api/demo/power-cut</c>, <c>POST /api/demo/power-restore</c>, <c>GET /api/demo</c>. Mapped only with --simulate.</summary>
public static class DemoEndpoints
{
    public static IEndpointRouteBuilder MapDemo(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetService<DemoSimulators>() is null) return app;
        app.MapGet("/api/demo", (DemoSimulators demo) => Gateway.Web.SerializedJsonResult.Of(State(demo), DemoJsonContext.Default.DemoState));
        app.MapPost("/api/demo/power-cut", (DemoSimulators demo) =>
        {
            demo.PowerCut();
            return Gateway.Web.SerializedJsonResult.Of(State(demo), DemoJsonContext.Default.DemoState);
        });
        app.MapPost("/api/demo/power-restore", (DemoSimulators demo) =>
        {
            demo.PowerRestore();
            return Gateway.Web.SerializedJsonResult.Of(State(demo), DemoJsonContext.Default.DemoState);
        });
        return app;
    }

    private static DemoState State(DemoSimulators demo) =>
        new(demo.Must.MainsPresent, Math.Round(demo.Must.StateOfCharge, 1), demo.MustPty.SlavePath, demo.MeterPty.SlavePath);
}

public sealed record DemoState(bool MainsPresent, double BatteryCharge, string UpsPort, string MeterPort);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(DemoState))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
