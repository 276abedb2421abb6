using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Topology;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>
/// Once the topology is provisioned, finds out whether a single power loss can lose acknowledged
/// messages (the streams' replicas from JetStream, the servers' fsync setting from their monitoring
/// endpoints), records it for readiness and the <c>orderhost.durability.at_risk</c> gauge, and warns.
/// It never stops the host: a developer's one-node server with lazy fsync must still work.
/// </summary>
internal sealed partial class DurabilityCheck(
    NatsConnections connections,
    TopologyProvisioner provisioner,
    IOptions<NatsOptions> options,
    MessagingStatus status,
    TimeProvider timeProvider,
    ILogger<DurabilityCheck> logger) : BackgroundService
{
    private readonly ServerSyncReader _reader = new(timeProvider);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        try
        {
            await provisioner.WhenProvisioned(stoppingToken).ConfigureAwait(false);
            while (true)
            {
                try
                {
                    Report(await AssessAsync(stoppingToken).ConfigureAwait(false));
                    return;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Stream info can fail briefly (a leader election); the verdict needs it.
                    LogCheckFailed(ex, delay);
                }

                await Task.Delay(delay, timeProvider, stoppingToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<IReadOnlyList<StreamDurability>> AssessAsync(CancellationToken cancellationToken)
    {
        var opts = options.Value;
        var jetStream = connections.JetStream(MessagingIdentities.Operator);
        var readout = await _reader.ReadAsync(opts.MonitoringUrl, cancellationToken).ConfigureAwait(false);
        var verdicts = new List<StreamDurability>();
        foreach (var name in new[] { opts.Stream.Name, opts.DeadLetterStream.Name })
        {
            var stream = await jetStream.GetStreamAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            verdicts.Add(StreamDurability.Assess(name, stream.Info.Config.NumReplicas, stream.Info.Cluster?.Leader, readout));
        }

        return verdicts;
    }

    private void Report(IReadOnlyList<StreamDurability> verdicts)
    {
        status.MarkDurability(verdicts);
        foreach (var verdict in verdicts)
        {
            if (verdict.AtRisk)
            {
                LogAtRisk(verdict.Stream, verdict.Summary);
            }
            else
            {
                LogDurable(verdict.Stream, verdict.Summary);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DURABILITY AT RISK: a single power loss can lose acknowledged messages of stream {Stream}. {Summary}. "
        + "To close it, run nats-server with sync_interval: always in its jetstream block (as the shipped nats-server.conf does), "
        + "or 3 replicas on a 3-node cluster (Nats__Replicas=3)")]
    private partial void LogAtRisk(string stream, string summary);

    [LoggerMessage(Level = LogLevel.Information, Message = "Durability of stream {Stream}: {Summary}")]
    private partial void LogDurable(string stream, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking durability failed; retrying in {Delay}")]
    private partial void LogCheckFailed(Exception exception, TimeSpan delay);
}
