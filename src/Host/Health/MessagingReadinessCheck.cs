using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Host.Health;

/// <summary>
/// Ready when NATS is connected, the topology is provisioned, the stream answers and every consume loop
/// runs. Durability at risk is reported in the details but never makes the host unready.
/// </summary>
internal sealed class MessagingReadinessCheck(
    NatsConnections connections,
    MessagingStatus status,
    IOptions<NatsOptions> options) : IHealthCheck
{
    private static readonly TimeSpan StreamProbeTimeout = TimeSpan.FromSeconds(2);

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
            await connections.JetStream(MessagingIdentities.Operator).GetStreamAsync(stream, cancellationToken: timeout.Token);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"Stream {stream} is not reachable: {ex.Message}");
        }

        var down = status.Consumers.Where(c => !c.Running).Select(c => $"{c.Name} ({c.LastError ?? "starting"})").ToList();
        return down.Count == 0
            ? HealthCheckResult.Healthy($"Connected; stream {stream} reachable; {status.Consumers.Count()} consumers running; {StreamDurability.Describe(status.Durability)}.")
            : HealthCheckResult.Unhealthy($"Consume loops not running: {string.Join(", ", down)}.");
    }
}
