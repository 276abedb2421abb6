using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;

namespace OrderHost.Messaging.Topology;

/// <summary>
/// Moves a durable consumer back to a stream sequence or a point in time, so it delivers again
/// from there (for example to rebuild the read model). Handlers are idempotent, so a replay
/// repeats no side effect. Needs nats-server 2.14 or newer (consumer reset).
/// </summary>
public sealed class ConsumerReplay([FromKeyedServices(MessagingIdentities.Operator)] INatsJSContext jetStream, IOptions<NatsOptions> options)
{
    /// <summary>Returns the sequence the consumer now starts from, or null when it does not exist.</summary>
    public async Task<ulong?> ReplayAsync(string consumer, ulong? fromSequence, DateTimeOffset? fromTime, CancellationToken cancellationToken)
    {
        var streamName = options.Value.Stream.Name;
        var stream = await jetStream.GetStreamAsync(streamName, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await stream.GetConsumerAsync(consumer, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }

        var sequence = fromSequence ?? await FirstSequenceAtOrAfterAsync(stream, fromTime!.Value, cancellationToken).ConfigureAwait(false);
        sequence = Math.Max(sequence, stream.Info.State.FirstSeq);
        await stream.ResetConsumerAsync(consumer, sequence, cancellationToken).ConfigureAwait(false);
        return sequence;
    }

    /// <summary>Binary search over the stream: stored times only grow with the sequence.</summary>
    private static async Task<ulong> FirstSequenceAtOrAfterAsync(INatsJSStream stream, DateTimeOffset time, CancellationToken cancellationToken)
    {
        var low = stream.Info.State.FirstSeq;
        var high = stream.Info.State.LastSeq + 1;
        while (low < high)
        {
            var mid = low + ((high - low) / 2);
            var found = await NextStoredAsync(stream, mid, cancellationToken).ConfigureAwait(false);
            if (found is null || found.Time >= time)
            {
                high = mid;
            }
            else
            {
                low = found.Seq + 1;
            }
        }

        return low;
    }

    private static async Task<StoredMessage?> NextStoredAsync(INatsJSStream stream, ulong sequence, CancellationToken cancellationToken)
    {
        try
        {
            var response = await stream.GetAsync(new StreamMsgGetRequest { Seq = sequence, NextBySubj = ">" }, cancellationToken).ConfigureAwait(false);
            return response.Message;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }
    }
}
