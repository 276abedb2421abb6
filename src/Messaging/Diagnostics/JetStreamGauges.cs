using System.Diagnostics.Metrics;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>
/// Gauges of the streams' state beside their limits (so a use ratio is one PromQL division), their
/// replicas, and the servers' own state, read from what <see cref="JetStreamStatsPoller"/> last stored.
/// Names carry their unit: the Prometheus exporter appends none to a gauge without one.
/// </summary>
internal static class JetStreamGauges
{
    public static void Register(Meter meter, MessagingStatus status, TimeProvider timeProvider)
    {
        StreamGauge(meter, status, "orderhost.stream.messages", s => s.Messages, "Messages stored in the stream.");
        StreamGauge(meter, status, "orderhost.stream.bytes", s => s.Bytes, "Bytes stored in the stream.");
        StreamGauge(meter, status, "orderhost.stream.first_sequence", s => (double)s.FirstSequence, "Sequence of the oldest message kept; it advances as messages are discarded.");
        StreamGauge(meter, status, "orderhost.stream.last_sequence", s => (double)s.LastSequence, "Sequence of the newest message.");
        StreamGauge(meter, status, "orderhost.stream.limit.messages", s => s.MaxMessages, "The stream's max_msgs; no series when unlimited.");
        StreamGauge(meter, status, "orderhost.stream.limit.bytes", s => s.MaxBytes, "The stream's max_bytes; no series when unlimited.");
        StreamGauge(meter, status, "orderhost.stream.limit.age_seconds", s => s.MaxAge?.TotalSeconds, "The stream's max_age in seconds; no series when unlimited.");
        StreamGauge(meter, status, "orderhost.stream.first_age_seconds", s => AgeOf(s.FirstTime, timeProvider), "Age of the oldest message kept; no series when the stream is empty.");
        StreamGauge(meter, status, "orderhost.stream.last_age_seconds", s => AgeOf(s.LastTime, timeProvider), "Time since the newest message was stored.");
        StreamGauge(meter, status, "orderhost.stream.replicas", s => s.Replicas, "Configured replicas of the stream.");
        StreamGauge(meter, status, "orderhost.stream.discard_new", s => s.RefusesWhenFull ? 1 : 0, "1 when the stream refuses new messages at its limits (discard new), 0 when it drops its oldest (discard old).");
        StreamGauge(meter, status, "orderhost.stream.has_leader", s => s.HasLeader ? 1 : 0, "1 while the stream has a leader (its info was answered), else 0.");
        meter.CreateObservableGauge(
            "orderhost.stream.replica.lag",
            () => Replicas(status, r => r.Lag),
            description: "Raft operations a follower replica is behind the stream leader.");
        meter.CreateObservableGauge(
            "orderhost.stream.replica.current",
            () => Replicas(status, r => r.Current ? 1 : 0),
            description: "1 while a follower replica is online and caught up with the leader, else 0.");

        ServerGauge(meter, status, "orderhost.nats.server.connections", s => s.Connections, "Client connections open on the server (every client, not only this host).");
        ServerGauge(meter, status, "orderhost.nats.server.storage_used_bytes", s => s.StorageUsed, "Bytes the server's JetStream file store holds.");
        ServerGauge(meter, status, "orderhost.nats.server.storage_reserved_bytes", s => s.StorageReserved, "Bytes of the file store reserved by streams' max_bytes.");
        ServerGauge(meter, status, "orderhost.nats.server.storage_max_bytes", s => s.StorageMax, "The server's JetStream file store ceiling (max_file_store).");
        ServerGauge(meter, status, "orderhost.nats.server.cluster_size", s => s.ClusterSize, "Servers in the JetStream meta group as this server sees it; 1 when not clustered.");
    }

    private static double? AgeOf(DateTimeOffset? time, TimeProvider timeProvider)
        => time is { } at ? Math.Max(0, (timeProvider.GetUtcNow() - at).TotalSeconds) : null;

    private static void StreamGauge(Meter meter, MessagingStatus status, string name, Func<StreamStats, double?> value, string description)
        => meter.CreateObservableGauge(
            name,
            () => status.Streams
                .Select(s => (Stream: s.Stream, Value: value(s)))
                .Where(s => s.Value.HasValue)
                .Select(s => new Measurement<double>(s.Value!.Value, new KeyValuePair<string, object?>("stream", s.Stream))),
            description: description);

    private static void ServerGauge(Meter meter, MessagingStatus status, string name, Func<ServerState, double> value, string description)
        => meter.CreateObservableGauge(
            name,
            () => status.Servers.Select(s => new Measurement<double>(value(s), new KeyValuePair<string, object?>("server", s.Server))),
            description: description);

    private static IEnumerable<Measurement<double>> Replicas(MessagingStatus status, Func<ReplicaStats, double> value)
        => status.Streams.SelectMany(s => s.Followers.Select(r => new Measurement<double>(
            value(r),
            new KeyValuePair<string, object?>("stream", s.Stream),
            new KeyValuePair<string, object?>("server", r.Server))));
}
