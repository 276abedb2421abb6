using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;
using OrderHost.Messaging.Connections;

namespace OrderHost.Host.Health;

/// <summary>
/// Not live once a NATS connection has given up for good (the client stops retrying after the
/// server refused its credentials): only a restart recovers, so the orchestrator should do one.
/// A connection that is merely reconnecting keeps the process live (readiness reports it).
/// </summary>
internal sealed class ConnectionsLivenessCheck(NatsConnections connections) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failed = connections.Open.Where(c => c.ConnectionState == NatsConnectionState.Failed).Select(c => c.Opts.Name).ToList();
        return Task.FromResult(failed.Count == 0
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"NATS connection {string.Join(", ", failed)} failed for good (refused credentials?); restart the process."));
    }
}
