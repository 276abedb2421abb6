using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace OrderHost.Host.Health;

internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddOrderHostHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<MessagingReadinessCheck>("messaging", tags: [ReadyTag]);
        return services;
    }

    /// <summary>Live: the process answers. Ready: it can take and process orders.</summary>
    public static void MapOrderHostHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponseWriter.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = c => c.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
    }
}
