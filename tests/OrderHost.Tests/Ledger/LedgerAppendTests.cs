using OrderHost.Messaging.Ledger;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;

namespace OrderHost.Tests.Ledger;

/// <summary>
/// The ledger's guarantee, checked by the stream leader of a real server: each step appends only after
/// the event it follows, so an order has one created, one payment outcome and one notification, ever.
/// </summary>
[TestFixture]
public sealed class LedgerAppendTests : LedgerFixture
{
    [Test]
    public async Task A_second_created_for_the_same_order_is_refused_whatever_its_message_id()
    {
        var (orderId, created) = await CreateOrderAsync();

        var again = await Ledger.AppendAsync(
            OrderEvents.Created, LedgerEvents.Created(orderId), OrderEvents.Created.SubjectFor(orderId), $"{orderId:D}:created-after-the-window",
            AppendCondition.First(OrderHistory.Filter(orderId)), "c", CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again.Refused, Is.True, again.ToString());
            Assert.That(again.Sequence, Is.EqualTo(created), "the leader names what is last");
            Assert.That(await Broker.CountForOrderAsync(OrderEvents.Created.Subject, orderId), Is.EqualTo(1), "orders.created of the order");
        }
    }

    [Test]
    public async Task The_same_append_again_is_refused_naming_the_first_one_as_the_last()
    {
        var (orderId, created) = await CreateOrderAsync();
        var condition = AppendCondition.After(OrderHistory.Filter(orderId), created);

        var first = await AppendPaidAsync(orderId, condition);
        var second = await AppendPaidAsync(orderId, condition);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.StoredNow, Is.True, first.ToString());
            // The leader checks the expected sequence before the message id (nats-server 2.15): a retry of a
            // stored append is refused, and the last sequence it names is the stored append's own.
            Assert.That(second, Is.EqualTo(new AppendResult(first.Sequence, Duplicate: false, Refused: true)), "a retry of the stored append");
        }
    }

    [Test]
    public async Task Once_an_order_is_paid_a_failed_outcome_is_refused_and_the_notification_follows_the_paid_one()
    {
        var (orderId, created) = await CreateOrderAsync();
        var history = OrderHistory.Filter(orderId);

        var paid = await AppendPaidAsync(orderId, AppendCondition.After(history, created));
        var failed = await Ledger.AppendAsync(
            PaymentEvents.Failed, LedgerEvents.Failed(orderId), PaymentEvents.Failed.SubjectFor(orderId), $"{orderId:D}:payment-other",
            AppendCondition.After(history, created), "c", CancellationToken.None);
        var notifiedAfterCreated = await AppendNotifiedAsync(orderId, AppendCondition.After(history, created), "early");
        var notified = await AppendNotifiedAsync(orderId, AppendCondition.After(history, paid.Sequence), "on-time");
        var notifiedTwice = await AppendNotifiedAsync(orderId, AppendCondition.After(history, paid.Sequence), "again");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(paid.StoredNow, Is.True, $"paid: {paid}");
            Assert.That(failed, Is.EqualTo(new AppendResult(paid.Sequence, Duplicate: false, Refused: true)), "a second outcome");
            Assert.That(notifiedAfterCreated.Refused, Is.True, $"a notification that skips the outcome: {notifiedAfterCreated}");
            Assert.That(notified.StoredNow, Is.True, $"notified: {notified}");
            Assert.That(notifiedTwice, Is.EqualTo(new AppendResult(notified.Sequence, Duplicate: false, Refused: true)), "a second notification under another id");
            Assert.That(await Broker.CountForOrderAsync(PaymentEvents.Failed.Subject, orderId), Is.Zero, "orders.payment_failed");
            Assert.That(await Broker.CountForOrderAsync(NotificationEvents.Notified.Subject, orderId), Is.EqualTo(1), "orders.notified");
        }
    }

    [Test]
    public async Task Of_twenty_outcomes_appended_at_once_exactly_one_is_stored()
    {
        var (orderId, created) = await CreateOrderAsync();
        var condition = AppendCondition.After(OrderHistory.Filter(orderId), created);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? AppendPaidAsync(orderId, condition, $"racer-{i}")
            : Ledger.AppendAsync(
                PaymentEvents.Failed, LedgerEvents.Failed(orderId), PaymentEvents.Failed.SubjectFor(orderId), $"{orderId:D}:racer-{i}",
                condition, "c", CancellationToken.None)));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Count(r => r.StoredNow), Is.EqualTo(1), string.Join("; ", results));
            Assert.That(results.Count(r => r.Refused), Is.EqualTo(19), string.Join("; ", results));
            Assert.That(
                await Broker.CountForOrderAsync(PaymentEvents.Succeeded.Subject, orderId) + await Broker.CountForOrderAsync(PaymentEvents.Failed.Subject, orderId),
                Is.EqualTo(1),
                "payment outcomes in the stream");
        }
    }

    [Test]
    public async Task The_last_event_read_from_the_leader_is_the_order_s_newest_step()
    {
        var (orderId, created) = await CreateOrderAsync();
        var afterCreated = await Ledger.ReadLastAsync(OrderHistory.Filter(orderId), CancellationToken.None);
        var paid = await AppendPaidAsync(orderId, AppendCondition.After(OrderHistory.Filter(orderId), created));
        var afterPaid = await Ledger.ReadLastAsync(OrderHistory.Filter(orderId), CancellationToken.None);
        var unknown = await Ledger.ReadLastAsync(OrderHistory.Filter(Guid.CreateVersion7()), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((afterCreated?.Subject, afterCreated?.Sequence), Is.EqualTo((OrderEvents.Created.SubjectFor(orderId), created)));
            Assert.That((afterPaid?.Subject, afterPaid?.Sequence), Is.EqualTo((PaymentEvents.Succeeded.SubjectFor(orderId), paid.Sequence)));
            Assert.That(afterPaid?.StoredAt, Is.EqualTo(DateTimeOffset.UtcNow).Within(TimeSpan.FromMinutes(1)), "stored time");
            Assert.That(unknown, Is.Null, "an order with no history");
        }
    }

    [Test]
    public async Task The_whole_history_comes_in_one_read_each_step_once()
    {
        var (orderId, created) = await CreateOrderAsync();
        var paid = await AppendPaidAsync(orderId, AppendCondition.After(OrderHistory.Filter(orderId), created));
        var notified = await AppendNotifiedAsync(orderId, AppendCondition.After(OrderHistory.Filter(orderId), paid.Sequence), "n");
        await CreateOrderAsync(); // another order's history must not show

        var history = await Ledger.ReadLastPerSubjectAsync(OrderHistory.Filter(orderId), CancellationToken.None);
        var none = await Ledger.ReadLastPerSubjectAsync(OrderHistory.Filter(Guid.CreateVersion7()), CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(
                history.Select(e => (e.Subject, e.Sequence)),
                Is.EquivalentTo(new[]
                {
                    (OrderEvents.Created.SubjectFor(orderId), created),
                    (PaymentEvents.Succeeded.SubjectFor(orderId), paid.Sequence),
                    (NotificationEvents.Notified.SubjectFor(orderId), notified.Sequence),
                }));
            Assert.That(history.All(e => e.Data.Length > 0), Is.True, "bodies");
            Assert.That(none, Is.Empty, "an order with no history");
        }
    }

    private Task<AppendResult> AppendPaidAsync(Guid orderId, AppendCondition condition, string id = "payment")
        => Ledger.AppendAsync(
            PaymentEvents.Succeeded, LedgerEvents.Paid(orderId), PaymentEvents.Succeeded.SubjectFor(orderId), $"{orderId:D}:{id}", condition, "c", CancellationToken.None);

    private Task<AppendResult> AppendNotifiedAsync(Guid orderId, AppendCondition condition, string id)
        => Ledger.AppendAsync(
            NotificationEvents.Notified, LedgerEvents.Notified(orderId), NotificationEvents.Notified.SubjectFor(orderId), $"{orderId:D}:notified-{id}", condition, "c", CancellationToken.None);
}
