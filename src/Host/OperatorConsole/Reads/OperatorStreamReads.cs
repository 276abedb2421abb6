using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;

namespace OrderHost.Host.OperatorConsole.Reads;

/// <summary>
/// Reads of a stream for the console, as the operator identity, through a short-lived consumer of its own (in
/// memory, no acks, removed after the read and by the server after 30 s unused should the removal be lost):
/// the server counts what matches a filter since a time without sending it, and sends only headers when that
/// is all a scan needs. Never the modules' durable consumers.
/// </summary>
internal sealed class OperatorStreamReads(NatsConnections connections, IOptions<NatsOptions> options)
{
    private static readonly TimeSpan Unused = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan FetchWait = TimeSpan.FromSeconds(2);

    public string OrdersStream => options.Value.Stream.Name;

    public string DeadLetterStream => options.Value.DeadLetterStream.Name;

    private INatsJSContext JetStream => connections.JetStream(MessagingIdentities.Operator);

    /// <summary>Messages on <paramref name="filter"/> stored at or after <paramref name="since"/>.</summary>
    public async Task<ulong> CountSinceAsync(string stream, string filter, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var config = Config(filter, headersOnly: true);
        config.DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartTime;
        config.OptStartTime = since;
        return await WithConsumerAsync(stream, config, c => Task.FromResult(c.Info.NumPending), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Of up to <paramref name="max"/> messages on <paramref name="filter"/> from <paramref name="fromSequence"/> (or the
    /// first) on, oldest first, those <paramref name="keep"/> accepts (all without it): a long scan holds only its matches.
    /// </summary>
    public Task<IReadOnlyList<StreamEntry>> ReadAsync(
        string stream, string filter, ulong? fromSequence, int max, bool headersOnly, CancellationToken cancellationToken, Func<StreamEntry, bool>? keep = null)
    {
        var config = Config(filter, headersOnly);
        if (fromSequence is { } start)
        {
            config.DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence;
            config.OptStartSeq = Math.Max(start, 1);
        }

        return WithConsumerAsync(stream, config, c => FetchAsync(c, max, keep, cancellationToken), cancellationToken);
    }

    /// <summary>The stream's first and last sequence now.</summary>
    public async Task<(ulong First, ulong Last)> BoundsAsync(string stream, CancellationToken cancellationToken)
    {
        var info = (await JetStream.GetStreamAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false)).Info.State;
        return (info.FirstSeq, info.LastSeq);
    }

    private static ConsumerConfig Config(string filter, bool headersOnly) => new()
    {
        Name = $"console-{Guid.NewGuid():N}",
        FilterSubject = filter,
        AckPolicy = ConsumerConfigAckPolicy.None,
        InactiveThreshold = Unused,
        MemStorage = true,
        NumReplicas = 1,
        HeadersOnly = headersOnly,
    };

    private async Task<T> WithConsumerAsync<T>(string stream, ConsumerConfig config, Func<INatsJSConsumer, Task<T>> read, CancellationToken cancellationToken)
    {
        var consumer = await JetStream.CreateOrUpdateConsumerAsync(stream, config, cancellationToken).ConfigureAwait(false);
        try
        {
            return await read(consumer).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await JetStream.DeleteConsumerAsync(stream, config.Name!, CancellationToken.None).ConfigureAwait(false);
            }
            catch (NatsJSApiException)
            {
                // Already gone; the inactivity threshold removes it otherwise.
            }
        }
    }

    private static async Task<IReadOnlyList<StreamEntry>> FetchAsync(INatsJSConsumer consumer, int max, Func<StreamEntry, bool>? keep, CancellationToken cancellationToken)
    {
        var want = (int)Math.Min(consumer.Info.NumPending, (ulong)Math.Max(max, 0));
        var entries = new List<StreamEntry>();
        var read = 0;
        while (read < want)
        {
            var before = read;
            var opts = new NatsJSFetchOpts { MaxMsgs = Math.Min(want - read, 1_000), Expires = FetchWait };
            await foreach (var msg in consumer.FetchAsync(opts, NatsRawSerializer<byte[]>.Default, cancellationToken).ConfigureAwait(false))
            {
                read++;
                var entry = ToEntry(msg);
                if (keep is null || keep(entry))
                {
                    entries.Add(entry);
                }
            }

            if (read == before)
            {
                break; // removed meanwhile by the stream's limits
            }
        }

        return entries;
    }

    private static StreamEntry ToEntry(INatsJSMsg<byte[]> msg)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in msg.Headers ?? [])
        {
            headers[key] = value.ToString();
        }

        var metadata = msg.Metadata;
        return new StreamEntry(msg.Subject, metadata?.Sequence.Stream ?? 0, metadata?.Timestamp ?? default, headers, msg.Data ?? []);
    }
}
