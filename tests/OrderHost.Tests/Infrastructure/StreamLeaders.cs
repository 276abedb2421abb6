using NATS.Client.JetStream;

namespace OrderHost.Tests.Infrastructure;

/// <summary>Moves a clustered stream's leadership off a node (leader step-down until another node leads it).</summary>
public static class StreamLeaders
{
    public static async Task MoveAwayFromAsync(INatsJSContext jetStream, string stream, string node, TimeSpan timeout)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var leader = await Eventually.Until(
                async () => (await jetStream.GetStreamAsync(stream)).Info.Cluster?.Leader,
                l => !string.IsNullOrEmpty(l),
                $"{stream} to have a leader",
                timeout);
            if (leader != node)
            {
                return;
            }

            await jetStream.Connection.RequestAsync<byte[], byte[]>($"$JS.API.STREAM.LEADER.STEPDOWN.{stream}", []);
            await Eventually.Until(
                async () => (await jetStream.GetStreamAsync(stream)).Info.Cluster?.Leader,
                l => !string.IsNullOrEmpty(l) && l != leader,
                $"{stream} to elect another leader",
                timeout);
        }

        Assert.Fail($"{stream} stays led by {node}");
    }
}
