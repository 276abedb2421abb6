using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NATS.Client.KeyValueStore;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.Hosting;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Messaging.Topology;

/// <summary>
/// Creates or updates the streams and buckets at start-up, retrying until the server answers, so
/// the host starts (and reports not-ready) while NATS is still down.
/// </summary>
internal sealed partial class TopologyProvisioner(
    NatsConnections connections,
    IOptions<NatsOptions> options,
    IEnumerable<KeyValueBucketDefinition> buckets,
    IEnumerable<ModuleIdentity> modules,
    MessagingStatus status,
    TimeProvider timeProvider,
    ILogger<TopologyProvisioner> logger) : BackgroundService
{
    private static readonly Version MinimumServerVersion = new(2, 12, 0);

    private readonly TaskCompletionSource _provisioned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<string> _declared = [.. buckets.Select(b => b.Name)];

    public Task WhenProvisioned(CancellationToken cancellationToken) => _provisioned.Task.WaitAsync(cancellationToken);

    public bool IsDeclared(string bucket) => _declared.Contains(bucket);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await new SupervisedLoop(timeProvider).RunAsync(
            async token =>
            {
                await ProvisionAsync(token).ConfigureAwait(false);
                status.MarkProvisioned();
                _provisioned.TrySetResult();
                LogProvisioned(options.Value.Stream.Name, _declared.Count);
                return AttemptEnd.Finished;
            },
            (ex, delay) =>
            {
                status.MarkProvisioningFailed(ex.Message);
                LogProvisioningFailed(ex, delay);
            },
            stoppingToken).ConfigureAwait(false);
    }

    private async Task ProvisionAsync(CancellationToken cancellationToken)
    {
        // Provisioning speaks as the operator: module identities may not create streams.
        var connection = connections.Connection(MessagingIdentities.Operator);
        var jetStream = connections.JetStream(MessagingIdentities.Operator);
        var keyValue = connections.KeyValue(MessagingIdentities.Operator);
        await connection.ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        EnsureServerVersion(connection.ServerInfo);

        var opts = options.Value;
        EnsureMarkersOutliveAdvisories(opts);
        await jetStream.CreateOrUpdateStreamAsync(LedgerStreamConfig(opts), cancellationToken).ConfigureAwait(false);
        await jetStream.CreateOrUpdateStreamAsync(StreamConfigFor(opts.DeadLetterStream, opts.Replicas), cancellationToken).ConfigureAwait(false);
        await jetStream.CreateOrUpdateStreamAsync(AdvisoryStreamConfig(opts), cancellationToken).ConfigureAwait(false);

        foreach (var bucket in buckets.DistinctBy(b => b.Name))
        {
            var config = new NatsKVConfig(bucket.Name)
            {
                History = bucket.History,
                MaxAge = bucket.MaxAge,
                Storage = NatsKVStorageType.File,
                NumberOfReplicas = opts.Replicas,
            };
            await keyValue.CreateOrUpdateStoreAsync(config, cancellationToken).ConfigureAwait(false);
        }

        // A module that reads and appends without consuming would otherwise connect on its first request.
        foreach (var module in modules.Select(m => m.Name).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            await connections.Connection(module).ConnectAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal static StreamConfig StreamConfigFor(StreamLimitsOptions limits, int replicas) => new(limits.Name, limits.EffectiveSubjects)
    {
        Storage = StreamConfigStorage.File,
        Retention = StreamConfigRetention.Limits,
        Discard = limits.RefuseWhenFull ? StreamConfigDiscard.New : StreamConfigDiscard.Old,
        MaxAge = limits.MaxAge,
        MaxMsgs = limits.MaxMessages,
        MaxBytes = limits.MaxBytes,
        DuplicateWindow = limits.DuplicateWindow,
        NumReplicas = replicas,
    };

    /// <summary>
    /// The ledger: direct gets allowed, so that a read of one entity's steps is one
    /// batched request from any replica (decisions read from the leader instead).
    /// </summary>
    internal static StreamConfig LedgerStreamConfig(NatsOptions opts) => StreamConfigFor(opts.Stream, opts.Replicas) with { AllowDirect = true };

    /// <summary>The advisories that announce a message leaving the stream's consumers for good.</summary>
    internal static StreamConfig AdvisoryStreamConfig(NatsOptions opts)
    {
        var source = opts.Stream.Name;
        var limits = opts.AdvisoryStream;
        limits.Subjects =
        [
            $"$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{source}.*",
            $"$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.{source}.*",
        ];
        return StreamConfigFor(limits, opts.Replicas);
    }

    /// <summary>
    /// A dead letter is written only while nothing is stored under its original sequence; once the
    /// dead-letter stream's age limit removes an entry or its settled marker, an advisory for the same
    /// message would write it again. Advisories must therefore expire first.
    /// </summary>
    internal static void EnsureMarkersOutliveAdvisories(NatsOptions opts)
    {
        var markers = opts.DeadLetterStream.MaxAge;
        var advisories = opts.AdvisoryStream.MaxAge;
        if (markers > TimeSpan.Zero && (advisories <= TimeSpan.Zero || advisories > markers))
        {
            throw new InvalidOperationException(
                $"Nats:AdvisoryStream:MaxAge ({advisories}) must be set and not longer than Nats:DeadLetterStream:MaxAge ({markers}), or a late advisory could dead-letter a message twice.");
        }
    }

    private static void EnsureServerVersion(INatsServerInfo? info)
    {
        if (info is null)
        {
            throw new InvalidOperationException("Connected, but the server sent no INFO.");
        }

        if (!info.JetStreamAvailable)
        {
            throw new InvalidOperationException("The NATS server has JetStream disabled.");
        }

        var text = info.Version.Split('-', '+')[0];
        if (!Version.TryParse(text, out var version) || version < MinimumServerVersion)
        {
            throw new InvalidOperationException(
                $"nats-server {info.Version} is too old: OrderHost needs {MinimumServerVersion} or newer (older servers silently ignore multi-subject consumer filters).");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "JetStream topology ready: stream {Stream}, {Buckets} key-value buckets")]
    private partial void LogProvisioned(string stream, int buckets);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provisioning JetStream failed; retrying in {Delay}")]
    private partial void LogProvisioningFailed(Exception exception, TimeSpan delay);
}
