using System.Globalization;
using NATS.Client.JetStream.Models;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// What the ledger holds about orders, read with the test's own client: the events per order and step in
/// ORDERS, and every write the stream ever took (its last sequence), so a replay that appended anything shows.
/// </summary>
public sealed class PipelineAudit
{
    public static readonly string Created = OrderEvents.Created.Subject;
    public static readonly string Paid = PaymentEvents.Succeeded.Subject;
    public static readonly string PaymentFailed = PaymentEvents.Failed.Subject;
    public static readonly string Notified = NotificationEvents.Notified.Subject;

    private PipelineAudit(
        IReadOnlyDictionary<Guid, int> created,
        IReadOnlyDictionary<Guid, int> paid,
        IReadOnlyDictionary<Guid, int> failed,
        IReadOnlyDictionary<Guid, int> notified,
        StreamWrites ledgerWrites)
    {
        CreatedByOrder = created;
        PaidByOrder = paid;
        FailedByOrder = failed;
        NotifiedByOrder = notified;
        LedgerWrites = ledgerWrites;
    }

    public IReadOnlyDictionary<Guid, int> CreatedByOrder { get; }

    public IReadOnlyDictionary<Guid, int> PaidByOrder { get; }

    public IReadOnlyDictionary<Guid, int> FailedByOrder { get; }

    public IReadOnlyDictionary<Guid, int> NotifiedByOrder { get; }

    /// <summary>Every write ORDERS ever took (its last sequence), and the messages it holds.</summary>
    public StreamWrites LedgerWrites { get; }

    /// <summary>Takes the audit once every durable consumer has settled (see <see cref="BrokerProbe.WaitUntilSettledAsync"/>).</summary>
    public static async Task<PipelineAudit> TakeSettledAsync(BrokerProbe broker, TimeSpan timeout)
    {
        await broker.WaitUntilSettledAsync(timeout);
        return await TakeAsync(broker);
    }

    public static async Task<PipelineAudit> TakeAsync(BrokerProbe broker)
    {
        var stream = await broker.JetStream.GetStreamAsync(BrokerProbe.OrdersStream, new StreamInfoRequest());
        return new PipelineAudit(
            await broker.CountByOrderAsync(Created),
            await broker.CountByOrderAsync(Paid),
            await broker.CountByOrderAsync(PaymentFailed),
            await broker.CountByOrderAsync(Notified),
            new StreamWrites(stream.Info.State.LastSeq, (ulong)stream.Info.State.Messages));
    }

    /// <summary>
    /// For each order: exactly one payment outcome event (paid or failed) and, when given, the expected one;
    /// exactly one orders.notified. Returns one line per violation.
    /// </summary>
    public IReadOnlyList<string> ExactlyOnceViolations(IEnumerable<Guid> orderIds, IReadOnlyDictionary<Guid, string>? expectedStatus = null)
    {
        var violations = new List<string>();
        foreach (var orderId in orderIds)
        {
            var paid = PaidByOrder.GetValueOrDefault(orderId);
            var failed = FailedByOrder.GetValueOrDefault(orderId);
            var notified = NotifiedByOrder.GetValueOrDefault(orderId);
            var problems = new List<string>();
            if (paid + failed != 1)
            {
                problems.Add($"orders.paid {paid} + orders.payment_failed {failed}");
            }

            if (expectedStatus?.GetValueOrDefault(orderId) is { } expected && paid + failed == 1 && (paid == 1 ? "paid" : "payment_failed") != expected)
            {
                problems.Add($"outcome {(paid == 1 ? "paid" : "payment_failed")}, expected {expected}");
            }

            if (notified != 1)
            {
                problems.Add($"orders.notified {notified}");
            }

            if (problems.Count > 0)
            {
                violations.Add($"{orderId}: {string.Join("; ", problems)}");
            }
        }

        return violations;
    }

    /// <summary>Asserts <see cref="ExactlyOnceViolations"/> is empty, showing at most 20 violations and their total.</summary>
    public void AssertExactlyOnce(IReadOnlyCollection<Guid> orderIds, string what, IReadOnlyDictionary<Guid, string>? expectedStatus = null)
    {
        var violations = ExactlyOnceViolations(orderIds, expectedStatus);
        Assert.That(
            violations,
            Is.Empty,
            $"{violations.Count} of {orderIds.Count} {what} were not processed exactly once (first 20):\n{string.Join('\n', violations.Take(20))}");
    }

    /// <summary>Orders with more than one payment outcome or more than one notification.</summary>
    public int DuplicatedOrders(IEnumerable<Guid> orderIds)
        => orderIds.Count(id => PaidByOrder.GetValueOrDefault(id) + FailedByOrder.GetValueOrDefault(id) > 1 || NotifiedByOrder.GetValueOrDefault(id) > 1);

    /// <summary>"{orderId}×{count}" per order, in the given order: readable in an equality assertion.</summary>
    public static IReadOnlyList<string> PerOrder(IReadOnlyDictionary<Guid, int> counts, IEnumerable<Guid> orderIds)
        => [.. orderIds.Select(id => $"{id}×{counts.GetValueOrDefault(id)}")];

    public string Summary(IReadOnlyCollection<Guid> orderIds)
        => string.Create(CultureInfo.InvariantCulture, $"""
            orders: {orderIds.Count}; orders.created {orderIds.Sum(id => CreatedByOrder.GetValueOrDefault(id))}, orders.paid {orderIds.Sum(id => PaidByOrder.GetValueOrDefault(id))}, orders.payment_failed {orderIds.Sum(id => FailedByOrder.GetValueOrDefault(id))}, orders.notified {orderIds.Sum(id => NotifiedByOrder.GetValueOrDefault(id))}
            ledger: {LedgerWrites}; orders with a duplicate: {DuplicatedOrders(orderIds)}
            """);
}

/// <summary>A stream's last sequence (every write it ever took) and the messages it holds now.</summary>
public sealed record StreamWrites(ulong LastSequence, ulong Messages)
{
    public override string ToString() => $"{Messages} messages, {LastSequence} writes";
}
