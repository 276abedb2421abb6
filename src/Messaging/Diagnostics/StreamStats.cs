using System.Globalization;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>
/// One stream's state beside its configured limits, from the last stream info the host read. A limit of
/// null is unlimited (the server's -1 or 0), so it exports no series and a ratio against it is empty.
/// </summary>
public sealed record StreamStats(
    string Stream,
    long Messages,
    long Bytes,
    ulong FirstSequence,
    ulong LastSequence,
    DateTimeOffset? FirstTime,
    DateTimeOffset? LastTime,
    long? MaxMessages,
    long? MaxBytes,
    TimeSpan? MaxAge,
    int Replicas,
    bool RefusesWhenFull,
    bool HasLeader,
    IReadOnlyList<ReplicaStats> Followers)
{
    internal static StreamStats From(StreamInfo info)
    {
        var state = info.State;
        var config = info.Config;
        var cluster = info.Cluster;
        return new StreamStats(
            config.Name ?? string.Empty,
            state.Messages,
            state.Bytes,
            state.FirstSeq,
            state.LastSeq,
            state.Messages > 0 ? TimeOf(state.FirstTs) : null,
            state.LastSeq > 0 ? TimeOf(state.LastTs) : null,
            config.MaxMsgs > 0 ? config.MaxMsgs : null,
            config.MaxBytes > 0 ? config.MaxBytes : null,
            config.MaxAge > TimeSpan.Zero ? config.MaxAge : null,
            config.NumReplicas,
            config.Discard == StreamConfigDiscard.New,

            // A server outside a cluster answers without cluster info or names itself: it leads.
            HasLeader: cluster is null || !string.IsNullOrEmpty(cluster.Leader),
            [.. (cluster?.Replicas ?? []).Select(r => new ReplicaStats(r.Name, r.Lag, r.Current && !r.Offline))]);
    }

    /// <summary>The server's RFC 3339 time stamps; nanosecond digits beyond .NET's ticks are dropped by the parser.</summary>
    private static DateTimeOffset? TimeOf(string? rfc3339)
        => DateTimeOffset.TryParse(rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    /// <summary>The last figures kept, but no leader: the stream info request failed, which it does while none is elected.</summary>
    internal StreamStats WithoutLeader() => this with { HasLeader = false, Followers = [] };
}

/// <summary>A follower replica as the stream leader sees it.</summary>
/// <param name="Server">The server_name holding the replica.</param>
/// <param name="Lag">Raft operations it is behind the leader.</param>
/// <param name="Current">Caught up recently and online.</param>
public sealed record ReplicaStats(string Server, ulong Lag, bool Current);
