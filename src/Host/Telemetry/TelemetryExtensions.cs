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

                // The NATS client writes traceparent into published headers only while someone listens to it.
                tracing.AddSource(MessagingTelemetry.ActivitySourceName)
                    .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !IsInfrastructurePath(ctx.Request.Path))
                    .AddNatsClientInstrumentation(o => o.Filter = IsEventTraffic);
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        return builder;
    }

    // Spans for events only (publish and receive of orders.* and dlq.*): the client would also trace
    // every key-value read, ack and JetStream API call, which costs more than the handlers themselves.
    private static bool IsEventTraffic(NatsInstrumentationContext context)
        => !context.Subject.StartsWith('$') && !context.Subject.StartsWith("_INBOX", StringComparison.Ordinal);

    private static bool IsInfrastructurePath(PathString path)
        => path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");
}
