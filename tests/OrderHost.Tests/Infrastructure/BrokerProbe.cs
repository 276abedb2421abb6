using System.Text.Json;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// The test's own JetStream client: counts what is in the <c>ORDERS</c> stream and looks at consumers,
/// independently of the host under test.
/// </summary>
public sealed class BrokerProbe : IAsyncDisposable
{
    public const string OrdersStream = "ORDERS";
    public const string DeadLetterStream = "ORDERS_DLQ";
    private const int NotFound = 404;
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    private readonly NatsConnection _connection;

    public BrokerProbe(string url)
    {
        _connection = new NatsConnection(NatsOpts.Default with
        {
            Url = url,
            Name = "orderhost-tests-probe",
            ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
            ReconnectWaitMax = TimeSpan.FromMilliseconds(500),
        });
        JetStream = new NatsJSContext(_connection);
    }

    public INatsJSContext JetStream { get; }

    /// <summary>Messages stored on exactly this subject of ORDERS.</summary>
    public async Task<ulong> CountAsync(string subject)
    {
        var stream = await JetStream.GetStreamAsync(OrdersStream, new StreamInfoRequest { SubjectsFilter = subject });
        return stream.Info.State.Subjects is { } subjects && subjects.TryGetValue(subject, out var count) ? (ulong)count : 0;
    }

    /// <summary>How many messages on <paramref name="subject"/> name each order (the events' <c>orderId</c>).</summary>
    public async Task<IReadOnlyDictionary<Guid, int>> CountByOrderAsync(string subject)
    {
        var counts = new Dictionary<Guid, int>();
        foreach (var orderId in await ReadOrderIdsAsync(subject))
        {
            counts[orderId] = counts.GetValueOrDefault(orderId) + 1;
        }

        return counts;
    }

    public async Task<int> CountForOrderAsync(string subject, Guid orderId)
        => (await CountByOrderAsync(subject)).GetValueOrDefault(orderId);

    /// <summary>How many messages on <paramref name="subject"/> carry this <c>customerId</c>.</summary>
    public async Task<int> CountForCustomerAsync(string subject, string customerId)
        => (await ReadEventsAsync(subject)).Count(e => e.TryGetProperty("customerId", out var c) && c.GetString() == customerId);

    public async Task<IReadOnlyList<Guid>> ReadOrderIdsAsync(string subject)
        => [.. (await ReadEventsAsync(subject)).Select(e => e.GetProperty("orderId").GetGuid())];

    /// <summary>Reads every message body on the subject from the start with an ordered consumer.</summary>
    public async Task<IReadOnlyList<JsonElement>> ReadEventsAsync(string subject)
    {
        var events = new List<JsonElement>();
        if (await CountAsync(subject) == 0)
        {
            return events;
        }

        using var timeout = new CancellationTokenSource(ReadTimeout);
        var consumer = await JetStream.CreateOrderedConsumerAsync(
            OrdersStream, new NatsJSOrderedConsumerOpts { FilterSubjects = [subject] }, timeout.Token);
        await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, cancellationToken: timeout.Token))
        {
            using var body = JsonDocument.Parse(msg.Data);
            events.Add(body.RootElement.Clone());
            if (msg.Metadata is { NumPending: 0 })
            {
                break;
            }
        }

        return events;
    }

    /// <summary>The consumer's info, or null when the server does not know it.</summary>
    public async Task<ConsumerInfo?> FindConsumerAsync(string durableName)
    {
        try
        {
            var consumer = await JetStream.GetConsumerAsync(OrdersStream, durableName);
            return consumer.Info;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<ConsumerInfo>> ListConsumersAsync()
    {
        var infos = new List<ConsumerInfo>();
        await foreach (var consumer in JetStream.ListConsumersAsync(OrdersStream))
        {
            infos.Add(consumer.Info);
        }

        return infos;
    }

    public async Task DeleteConsumerAsync(string durableName)
    {
        var deleted = await JetStream.DeleteConsumerAsync(OrdersStream, durableName);
        Assert.That(deleted, Is.True, $"deleting consumer {durableName}");
    }

    /// <summary>True when the consumer has delivered and settled everything it has been sent so far.</summary>
    public async Task<bool> IsCaughtUpAsync(string durableName)
        => await FindConsumerAsync(durableName) is { NumPending: 0, NumAckPending: 0 };

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();
}
