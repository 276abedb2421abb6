using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.KeyValue;
using OrderHost.Messaging.Topology;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>
/// Every <c>Nats:StatsInterval</c>, reads the info of every stream the host provisions (the buckets'
/// streams included) and each server's <c>/varz</c>, and keeps them in <see cref="MessagingStatus"/> for
/// the gauges. On a timer, not per message: stream info is a JetStream API call answered by the leader.
/// </summary>
internal sealed partial class JetStreamStatsPoller(
    NatsConnections connections,
    TopologyProvisioner provisioner,
    IOptions<NatsOptions> options,
    IEnumerable<KeyValueBucketDefinition> buckets,
    MessagingStatus status,
    TimeProvider timeProvider,
    ILogger<JetStreamStatsPoller> logger) : BackgroundService
{
    private readonly MonitoringReader _monitoring = new(timeProvider);
    private readonly Dictionary<string, StreamStats> _streams = new(StringComparer.Ordinal);
    private string? _lastProblems;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await provisioner.WhenProvisioned(stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(options.Value.StatsInterval, timeProvider);
            do
            {
                await ReadStreamsAsync(stoppingToken).ConfigureAwait(false);
                await ReadServersAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private IEnumerable<string> StreamNames()
    {
        var opts = options.Value;
        return new[] { opts.Stream.Name, opts.DeadLetterStream.Name, opts.AdvisoryStream.Name }
            .Concat(buckets.Select(b => $"KV_{b.Name}"))
            .Distinct(StringComparer.Ordinal);
    }

    private async Task ReadStreamsAsync(CancellationToken cancellationToken)
    {
        var jetStream = connections.JetStream(MessagingIdentities.Operator);
        foreach (var name in StreamNames())
        {
            try
            {
                var stream = await jetStream.GetStreamAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
                _streams[name] = StreamStats.From(stream.Info);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // Without a leader nobody answers stream info: keep the last figures, report no leader.
                if (_streams.TryGetValue(name, out var last))
                {
                    _streams[name] = last.WithoutLeader();
                }

                LogStreamReadFailed(name, ex.Message);
            }
        }

        status.MarkStreams([.. _streams.Values]);
    }

    private async Task ReadServersAsync(CancellationToken cancellationToken)
    {
        var urls = options.Value.MonitoringUrl;
        if (string.IsNullOrWhiteSpace(urls))
        {
            return;
        }

        var (servers, problems) = await _monitoring.ReadAsync(urls, "varz", ServerState.Parse, cancellationToken).ConfigureAwait(false);
        status.MarkServers(servers);

        // Logged when the problems change, not on every tick.
        var summary = problems.Count == 0 ? null : string.Join("; ", problems);
        if (summary is not null && summary != _lastProblems)
        {
            LogServersUnread(summary);
        }

        _lastProblems = summary;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading stream {Stream} for the metrics failed (no leader, or the server is unreachable): {Error}")]
    private partial void LogStreamReadFailed(string stream, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Some NATS servers' state could not be read for the metrics (Nats__MonitoringUrl): {Problems}")]
    private partial void LogServersUnread(string problems);
}
