using System.Globalization;
using NATS.Client.JetStream.Models;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// What the broker holds about orders, read with the test's own client: the events per order in ORDERS,
/// and the records per order in the <c>payments</c> and <c>notifications</c> buckets (counted as
/// messages per key subject of the bucket's stream, so a rewritten key would show too).
/// </summary>
public sealed class PipelineAudit
{
    public const string Created = "orders.created";
    public const string Paid = "orders.paid";
    public const string PaymentFailed = "orders.payment_failed";
    public const string Notified = "orders.notified";
    public const string PaymentsBucket = "payments";
    public const string NotificationsBucket = "notifications";

    private PipelineAudit(
        IReadOnlyDictionary<Guid, int> created,
        IReadOnlyDictionary<Guid, int> paid,
        IReadOnlyDictionary<Guid, int> failed,
        IReadOnlyDictionary<Guid, int> notified,
        IReadOnlyDictionary<Guid, int> paymentRecords,
        IReadOnlyDictionary<Guid, IReadOnlyDictionary<string, int>> notificationRecords,
        BucketWrites paymentWrites,
        BucketWrites notificationWrites)
    {
        CreatedByOrder = created;
        PaidByOrder = paid;
        FailedByOrder = failed;
        NotifiedByOrder = notified;
        PaymentRecordsByOrder = paymentRecords;
        NotificationRecordsByOrder = notificationRecords;
        PaymentWrites = paymentWrites;
        NotificationWrites = notificationWrites;
    }

    public IReadOnlyDictionary<Guid, int> CreatedByOrder { get; }

    public IReadOnlyDictionary<Guid, int> PaidByOrder { get; }

    public IReadOnlyDictionary<Guid, int> FailedByOrder { get; }

    public IReadOnlyDictionary<Guid, int> NotifiedByOrder { get; }

    /// <summary>Messages per key of the <c>payments</c> bucket (a key that was written twice shows 2 unless history dropped it).</summary>
    public IReadOnlyDictionary<Guid, int> PaymentRecordsByOrder { get; }

    /// <summary>Per order: the kinds (paid, failed) with a record in <c>notifications</c>, and messages per key.</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyDictionary<string, int>> NotificationRecordsByOrder { get; }

    /// <summary>Every write the bucket's stream ever took (its last sequence), and the messages it holds.</summary>
    public BucketWrites PaymentWrites { get; }

    public BucketWrites NotificationWrites { get; }

    /// <summary>Takes the audit once every durable consumer has settled (see <see cref="BrokerProbe.WaitUntilSettledAsync"/>).</summary>
    public static async Task<PipelineAudit> TakeSettledAsync(BrokerProbe broker, TimeSpan timeout)
    {
        await broker.WaitUntilSettledAsync(timeout);
        return await TakeAsync(broker);
    }

    public static async Task<PipelineAudit> TakeAsync(BrokerProbe broker)
    {
        var created = await broker.CountByOrderAsync(Created);
        var paid = await broker.CountByOrderAsync(Paid);
        var failed = await broker.CountByOrderAsync(PaymentFailed);
        var notified = await broker.CountByOrderAsync(Notified);
        var (paymentSubjects, paymentWrites) = await ReadBucketAsync(broker, PaymentsBucket);
        var (notificationSubjects, notificationWrites) = await ReadBucketAsync(broker, NotificationsBucket);

        var paymentRecords = new Dictionary<Guid, int>();
        foreach (var (key, count) in paymentSubjects)
        {
            if (Guid.TryParseExact(key, "D", out var orderId))
            {
                paymentRecords[orderId] = count;
            }
        }

        var notificationRecords = new Dictionary<Guid, Dictionary<string, int>>();
        foreach (var (key, count) in notificationSubjects)
        {
            // Key: {orderId}.{paid|failed}
            var dot = key.LastIndexOf('.');
            if (dot > 0 && Guid.TryParseExact(key[..dot], "D", out var orderId))
            {
                if (!notificationRecords.TryGetValue(orderId, out var kinds))
                {
                    notificationRecords[orderId] = kinds = [];
                }

                kinds[key[(dot + 1)..]] = count;
            }
        }

        return new PipelineAudit(
            created,
            paid,
            failed,
            notified,
            paymentRecords,
            notificationRecords.ToDictionary(p => p.Key, p => (IReadOnlyDictionary<string, int>)p.Value),
            paymentWrites,
            notificationWrites);
    }

    /// <summary>
    /// For each order: exactly one payment outcome event (paid or failed) and, when given, the expected one;
    /// exactly one orders.notified; exactly one payments record; exactly one notifications record, of the
    /// outcome's kind. Returns one line per violation.
    /// </summary>
    public IReadOnlyList<string> ExactlyOnceViolations(IEnumerable<Guid> orderIds, IReadOnlyDictionary<Guid, string>? expectedStatus = null)
    {
        var violations = new List<string>();
        foreach (var orderId in orderIds)
        {
            var paid = PaidByOrder.GetValueOrDefault(orderId);
            var failed = FailedByOrder.GetValueOrDefault(orderId);
            var notified = NotifiedByOrder.GetValueOrDefault(orderId);
            var records = PaymentRecordsByOrder.GetValueOrDefault(orderId);
            var kinds = NotificationRecordsByOrder.GetValueOrDefault(orderId) ?? new Dictionary<string, int>();
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

            if (records != 1)
            {
                problems.Add($"payments records {records}");
            }

            var expectedKind = paid == 1 ? "paid" : failed == 1 ? "failed" : null;
            if (kinds.Count != 1 || kinds.Values.Single() != 1 || (expectedKind is not null && !kinds.ContainsKey(expectedKind)))
            {
                problems.Add($"notifications records [{string.Join(", ", kinds.Select(k => $"{k.Key}×{k.Value}"))}]");
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

    /// <summary>Orders with more than one event on the subject's counts, more than one payment record, or more than one notification record.</summary>
    public int DuplicatedOrders(IEnumerable<Guid> orderIds)
        => orderIds.Count(id => PaidByOrder.GetValueOrDefault(id) + FailedByOrder.GetValueOrDefault(id) > 1
            || NotifiedByOrder.GetValueOrDefault(id) > 1
            || PaymentRecordsByOrder.GetValueOrDefault(id) > 1
            || (NotificationRecordsByOrder.GetValueOrDefault(id) is { } kinds && kinds.Values.Sum() > 1));

    /// <summary>"{orderId}×{count}" per order, in the given order: readable in an equality assertion.</summary>
    public static IReadOnlyList<string> PerOrder(IReadOnlyDictionary<Guid, int> counts, IEnumerable<Guid> orderIds)
        => [.. orderIds.Select(id => $"{id}×{counts.GetValueOrDefault(id)}")];

    public string Summary(IReadOnlyCollection<Guid> orderIds)
        => string.Create(CultureInfo.InvariantCulture, $"""
            orders: {orderIds.Count}; orders.created {orderIds.Sum(id => CreatedByOrder.GetValueOrDefault(id))}, orders.paid {orderIds.Sum(id => PaidByOrder.GetValueOrDefault(id))}, orders.payment_failed {orderIds.Sum(id => FailedByOrder.GetValueOrDefault(id))}, orders.notified {orderIds.Sum(id => NotifiedByOrder.GetValueOrDefault(id))}
            payments records {orderIds.Sum(id => PaymentRecordsByOrder.GetValueOrDefault(id))} (bucket: {PaymentWrites}); notifications records {orderIds.Sum(id => NotificationRecordsByOrder.GetValueOrDefault(id)?.Values.Sum() ?? 0)} (bucket: {NotificationWrites}); orders with a duplicate: {DuplicatedOrders(orderIds)}
            """);

    /// <summary>Messages per key of a bucket (its stream <c>KV_{bucket}</c>) and how many writes it took.</summary>
    public static async Task<(IReadOnlyDictionary<string, int> PerKey, BucketWrites Writes)> ReadBucketAsync(BrokerProbe broker, string bucket)
    {
        var prefix = $"$KV.{bucket}.";
        var stream = await broker.JetStream.GetStreamAsync($"KV_{bucket}", new StreamInfoRequest { SubjectsFilter = prefix + ">" });
        var state = stream.Info.State;
        var perKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (subject, count) in state.Subjects ?? new Dictionary<string, long>())
        {
            perKey[subject[prefix.Length..]] = (int)count;
        }

        return (perKey, new BucketWrites(state.LastSeq, (ulong)state.Messages));
    }
}

/// <summary>A bucket stream's last sequence (every write it ever took) and the messages it holds now.</summary>
public sealed record BucketWrites(ulong LastSequence, ulong Messages)
{
    public override string ToString() => $"{Messages} messages, {LastSequence} writes";
}
