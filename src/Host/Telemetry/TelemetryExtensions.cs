using NATS.Client.Core;
using NATS.Client.OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Host.Telemetry;

/// <summary>All telemetry in one place: OrderHost's meter and spans, ASP.NET Core, the runtime and the NATS client.</summary>
internal static class TelemetryExtensions
{
    public static WebApplicationBuilder AddOrderHostTelemetry(this WebApplicationBuilder builder)
    {
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "orderhost"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(MessagingTelemetry.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNatsClientInstrumentation()
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            })
            .WithTracing(tracing =>
            {
                // Event spans (publish, process) and their traceparent headers come from OrderHost's own source:
                // the NATS client's source is left without a listener, or it would build a span for every
                // key-value read, ack and API call (measured: about an eighth of the bytes allocated per order).
                tracing.AddSource(MessagingTelemetry.ActivitySourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsInfrastructurePath(ctx.Request.Path));
                tracing.SetSampler(TraceSampling.From(builder.Configuration, exporting: otlp));
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        return builder;
    }

    private static bool IsInfrastructurePath(PathString path)
        => path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");
}
