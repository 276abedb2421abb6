using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace OrderHost.Host.Health;

internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";
    public const string LiveTag = "live";

    public static IServiceCollection AddOrderHostHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<MessagingReadinessCheck>("messaging", tags: [ReadyTag])
            .AddCheck<ConnectionsLivenessCheck>("nats-connections", tags: [LiveTag]);
        return services;
    }

    /// <summary>Live: the process answers and can still recover by itself. Ready: it can take and process orders.</summary>
    public static void MapOrderHostHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains(LiveTag), ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
    }
}
