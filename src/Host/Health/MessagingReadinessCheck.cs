using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Host.Health;

/// <summary>
/// Ready when orders can be accepted and processed: NATS is connected, the topology is provisioned, the
/// stream answers with a leader and a quorum of replicas, and every consume loop runs, gets answers to its
/// pulls and is not restarting over and over. Durability at risk is reported in the details but never
/// makes the host unready.
/// </summary>
internal sealed class MessagingReadinessCheck(
    NatsConnections connections,
    MessagingStatus status,
    IOptions<NatsOptions> options) : IHealthCheck
{
    private static readonly TimeSpan StreamProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A loop that failed counts as running once it has run this long without failing again.</summary>
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(5);

    /// <summary>A loop whose pulls went unanswered counts as stalled this long after the last such notice (the client repeats it every 2 s).</summary>
    private static readonly TimeSpan StallMemory = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var closed = connections.Open.Where(c => c.ConnectionState != NatsConnectionState.Open).ToList();
        if (closed.Count > 0)
        {
            return HealthCheckResult.Unhealthy($"NATS connection {string.Join(", ", closed.Select(c => $"{c.Opts.Name} is {c.ConnectionState}"))}.");
        }

        if (!status.Provisioned)
        {
            return HealthCheckResult.Unhealthy($"JetStream topology not provisioned yet: {status.ProvisioningError ?? "in progress"}.");
        }

        var stream = options.Value.Stream.Name;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StreamProbeTimeout);
            var info = await connections.JetStream(MessagingIdentities.Operator).GetStreamAsync(stream, cancellationToken: timeout.Token);
            if (StreamQuorum.Problem(info.Info, options.Value.FailureDetectionTime) is { } noQuorum)
            {
                return HealthCheckResult.Unhealthy($"Stream {stream} cannot store orders: {noQuorum}.");
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"Stream {stream} is not reachable: {ex.Message}");
        }

        var down = status.Consumers.Select(c => (c.Name, Problem: c.Problem(StableAfter, StallMemory)))
            .Where(c => c.Problem is not null)
            .Select(c => $"{c.Name} ({c.Problem})")
            .ToList();
        return down.Count == 0
            ? HealthCheckResult.Healthy($"Connected; stream {stream} reachable; {status.Consumers.Count()} consumers running; {StreamDurability.Describe(status.Durability)}.")
            : HealthCheckResult.Unhealthy($"Consume loops not healthy: {string.Join(", ", down)}.");
    }
}
