using NATS.Client.JetStream.Models;

namespace OrderHost.Host.Health;

/// <summary>
/// Whether a stream can store a message now, from its leader's view: a leader, and a majority of its replicas
/// (the leader counts) online and heard from within the failure-detection time. A stream of one replica
/// needs only its leader.
/// </summary>
internal static class StreamQuorum
{
    /// <summary>Null when the stream has a quorum, else why not.</summary>
    public static string? Problem(StreamInfo info, TimeSpan silenceLimit)
    {
        var cluster = info.Cluster;
        if (cluster is null)
        {
            return null;
        }

        if (string.IsNullOrEmpty(cluster.Leader))
        {
            return "it has no leader";
        }

        var followers = cluster.Replicas ?? [];
        var silent = followers.Where(r => r.Offline || r.Active > silenceLimit).ToList();
        var size = followers.Count + 1;
        var answering = size - silent.Count;
        var needed = (size / 2) + 1;
        return answering >= needed
            ? null
            : $"only {answering} of {size} replicas answer its leader {cluster.Leader} ({string.Join(", ", silent.Select(r => $"{r.Name} {(r.Offline ? "offline" : $"silent for {r.Active.TotalSeconds:0.#} s")}"))}); {needed} are needed";
    }
}
