using System.Globalization;
using System.Text;
using OrderHost.Messaging;
using OrderHost.Messaging.Events;
using OrderHost.Messaging.Ledger;
using OrderHost.Orders.Contracts;

namespace OrderHost.Bench.Scenarios;

/// <summary>The one order shape every scenario sends: one line, 2 × 19.99 USD (below the approval limit: every order is paid).</summary>
internal static class OrderFactory
{
    public const decimal UnitPrice = 19.99m;
    public const int Quantity = 2;
    public const decimal Total = UnitPrice * Quantity;

    public static string CustomerId(int i) => "c-" + (i % 1000).ToString("000", CultureInfo.InvariantCulture);

    public static OrderCreated Created(Guid orderId, int i) => new(
        OrderCreated.CurrentVersion,
        orderId,
        CustomerId(i),
        [new OrderLine("SKU-1", Quantity, UnitPrice)],
        Total,
        "USD",
        DateTimeOffset.UtcNow);

    public static byte[] Encode(OrderCreated created) => EventCodec.Encode(OrderEvents.Created, created);

    /// <summary>
    /// The OrderCreated event as the host's intake appends it: on the order's own subject, with its Nats-Msg-Id,
    /// a new headers object and the condition that the order has no history yet.
    /// </summary>
    public static OutgoingMessage CreatedMessage(Guid orderId, int i) => new(
        OrderEvents.Created.SubjectFor(orderId),
        Encode(Created(orderId, i)),
        MessageIds.For(orderId, OrderEvents.CreatedStep),
        new NatsHeaders { [MessageHeaders.CorrelationId] = orderId.ToString("D") },
        AppendCondition.First(OrderHistory.Filter(orderId)));

    public static byte[] HttpBody(int i) => Encoding.UTF8.GetBytes(string.Create(
        CultureInfo.InvariantCulture,
        $$"""{"customerId":"{{CustomerId(i)}}","items":[{"sku":"SKU-1","quantity":{{Quantity}},"unitPrice":{{UnitPrice}}}],"total":{{Total}},"currency":"USD"}"""));

    public static int CreatedPayloadBytes => Encode(Created(Guid.CreateVersion7(), 0)).Length;

    public static int HttpBodyBytes => HttpBody(0).Length;
}

/// <summary>
/// One JetStream publish: a fresh headers object every time (the client writes Nats-Msg-Id and the expectations into it).
/// No message id: stored without one (the prefill's old orders, outside any duplicate window). A condition: a conditional
/// append, as the host makes them (<c>Nats-Expected-Last-Subject-Sequence</c> on the condition's filter).
/// </summary>
internal readonly record struct OutgoingMessage(string Subject, byte[] Data, string? MessageId, NatsHeaders Headers, AppendCondition? Condition = null)
{
    public NatsJSPubOpts PubOpts() => Condition is { } condition
        ? new NatsJSPubOpts { MsgId = MessageId, ExpectedLastSubjectSequence = condition.ExpectedLastSequence, ExpectedLastSubjectSequenceSubject = condition.Filter }
        : new NatsJSPubOpts { MsgId = MessageId };
}
