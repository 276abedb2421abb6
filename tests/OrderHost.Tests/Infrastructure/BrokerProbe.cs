using OrderHost.Messaging.Ledger;
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
    public const string AdvisoryStream = "ORDERS_ADVISORIES";
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

    /// <summary>
    /// Messages stored on the subject (of ORDERS unless said otherwise). A step's subject
    /// (<c>orders.paid</c>) counts every order's message of that step (<c>orders.paid.*</c>).
    /// </summary>
    public async Task<ulong> CountAsync(string subject, string stream = OrdersStream)
    {
        var filter = FilterFor(subject);
        var info = await JetStream.GetStreamAsync(stream, new StreamInfoRequest { SubjectsFilter = filter });
        return info.Info.State.Subjects is { } subjects ? (ulong)subjects.Values.Sum(c => (long)c) : 0;
    }

    /// <summary>A step's subject stands for every order's message of that step; a concrete subject or a filter stands for itself.</summary>
    public static string FilterFor(string subject)
        => subject.Contains('*') || subject.Contains('>') || LedgerSubjects.IdOf(subject) is not null ? subject : LedgerSubjects.StepFilter(subject);

    /// <summary>
    /// How many messages of a step each order has: the per-order subjects' counts, from the stream leader's
    /// stream info (an ordered consumer may be placed on a follower that is still catching up).
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, int>> CountByOrderAsync(string subject)
    {
        var info = await JetStream.GetStreamAsync(OrdersStream, new StreamInfoRequest { SubjectsFilter = FilterFor(subject) });
        var counts = new Dictionary<Guid, int>();
        foreach (var (stored, count) in info.Info.State.Subjects ?? new Dictionary<string, long>())
        {
            if (LedgerSubjects.IdOf(stored) is { } orderId)
            {
                counts[orderId] = counts.GetValueOrDefault(orderId) + (int)count;
            }
        }

        return counts;
    }

    public async Task<int> CountForOrderAsync(string subject, Guid orderId)
        => (await CountByOrderAsync(subject)).GetValueOrDefault(orderId);

    /// <summary>How many messages on <paramref name="subject"/> carry this <c>customerId</c>.</summary>
    public async Task<int> CountForCustomerAsync(string subject, string customerId)
        => (await ReadMessagesAsync(subject)).Count(m => m.Body?.TryGetProperty("customerId", out var c) == true && c.GetString() == customerId);

    public async Task<IReadOnlyList<Guid>> ReadOrderIdsAsync(string subject)
        => [.. (await ReadMessagesAsync(subject)).Select(m => m.OrderId ?? Guid.Empty)];

    /// <summary>The messages of one order on <paramref name="subject"/>.</summary>
    public async Task<IReadOnlyList<StoredMessage>> ReadForOrderAsync(string subject, Guid orderId)
        => [.. (await ReadMessagesAsync(subject)).Where(m => m.OrderId == orderId)];

    /// <summary>Reads every message on the subject from the start with an ordered consumer.</summary>
    public async Task<IReadOnlyList<StoredMessage>> ReadMessagesAsync(string subject, string stream = OrdersStream)
    {
        var messages = new List<StoredMessage>();
        if (await CountAsync(subject, stream) == 0)
        {
            return messages;
        }

        using var timeout = new CancellationTokenSource(ReadTimeout);
        var consumer = await JetStream.CreateOrderedConsumerAsync(
            stream, new NatsJSOrderedConsumerOpts { FilterSubjects = [FilterFor(subject)] }, timeout.Token);
        await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, cancellationToken: timeout.Token))
        {
            messages.Add(new StoredMessage(
                msg.Subject,
                System.Text.Encoding.UTF8.GetString(msg.Data ?? []),
                ParseJson(msg.Data),
                msg.Headers?.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase) ?? [],
                msg.Metadata?.Sequence.Stream ?? 0));
            if (msg.Metadata is { NumPending: 0 })
            {
                break;
            }
        }

        return messages;
    }

    /// <summary>
    /// Publishes raw bytes to the stream as another (possibly newer or broken) publisher would. Given a step's
    /// subject (<c>orders.created</c>), the message goes to the order's own subject, as the contract files it:
    /// the order the body names, or a fresh id when the body names none (a poison message still needs a subject
    /// that a consumer's filter matches).
    /// </summary>
    public async Task PublishAsync(string subject, byte[] data, NatsHeaders? headers = null)
    {
        var target = OrderSubject(subject, data);
        var ack = await JetStream.PublishAsync(target, data, NatsRawSerializer<byte[]>.Default, headers: headers);
        Assert.That(ack.Error, Is.Null, $"publishing to {target}");
    }

    /// <summary>The per-order subject a step's message is stored on; a concrete subject stays as it is.</summary>
    public static string OrderSubject(string subject, byte[] data)
    {
        if (subject.Contains('*') || subject.Contains('>') || LedgerSubjects.IdOf(subject) is not null)
        {
            return subject;
        }

        var named = ParseJson(data) is { ValueKind: JsonValueKind.Object } body
            && body.TryGetProperty("orderId", out var id) && id.ValueKind == JsonValueKind.String && Guid.TryParseExact(id.GetString(), "D", out var orderId)
                ? orderId
                : Guid.NewGuid();
        return LedgerSubjects.For(subject, named);
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

    public async Task<IReadOnlyList<ConsumerLoad>> ListConsumerLoadsAsync()
        => [.. (await ListConsumersAsync()).Select(c => new ConsumerLoad(c.Name, c.NumAckPending, c.NumPending, c.NumRedelivered, c.AckFloor.StreamSeq, c.Delivered.StreamSeq))];

    public async Task DeleteConsumerAsync(string durableName)
    {
        var deleted = await JetStream.DeleteConsumerAsync(OrdersStream, durableName);
        Assert.That(deleted, Is.True, $"deleting consumer {durableName}");
    }

    /// <summary>
    /// Waits until the three durable consumers of ORDERS exist (a replay recreates one) and have nothing pending
    /// or unacknowledged. An order shows as completed a moment before the notifier's ack: the ack follows the
    /// append of orders.notified.
    /// </summary>
    public async Task WaitUntilSettledAsync(TimeSpan timeout)
        => await Eventually.Until(
            async () => (await ListConsumersAsync()).Where(c => c.Config.DurableName is not null).ToList(),
            durables => durables.Count == 3 && durables.All(c => c is { NumPending: 0, NumAckPending: 0 }),
            "the three durable consumers of ORDERS to have settled everything",
            timeout);

    /// <summary>True when the consumer has delivered and settled everything it has been sent so far.</summary>
    public async Task<bool> IsCaughtUpAsync(string durableName)
        => await FindConsumerAsync(durableName) is { NumPending: 0, NumAckPending: 0 };

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    private static JsonElement? ParseJson(byte[]? data)
    {
        try
        {
            using var document = JsonDocument.Parse(data ?? []);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
