using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.Ledger;
using OrderHost.Notifications;
using OrderHost.Notifications.Contracts;
using OrderHost.Notifications.Features.NotifyCustomer;
using OrderHost.Orders.Contracts;
using OrderHost.Payments;
using OrderHost.Payments.Contracts;
using OrderHost.Payments.Features.ChargeOrder;
using OrderHost.Payments.Infrastructure;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Ledger;

/// <summary>
/// The same event handled twice at the same moment, as two processes would after a redelivery or a
/// replay: both read the order's history before either appends, so only the stream leader's check can
/// keep the order to one outcome. With different approval limits the two would decide differently.
/// </summary>
[TestFixture]
public sealed class ConcurrentHandlerTests : LedgerFixture
{
    private ServiceProvider? _services;

    [OneTimeSetUp]
    public void CreateServices() => _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    [OneTimeTearDown]
    public void DisposeServices() => _services?.Dispose();

    [Test]
    public async Task Two_processes_with_different_approval_limits_charging_one_order_at_once_store_one_outcome()
    {
        var (orderId, created) = await CreateOrderAsync(total: 500m);
        var meeting = new Barrier(2);
        var approving = Handler(new MeetingGateway(Gateway(approvalLimit: 10_000m), meeting));
        var declining = Handler(new MeetingGateway(Gateway(approvalLimit: 100m), meeting));
        var message = new MessageContext<OrderCreated>(LedgerEvents.Created(orderId, 500m), Delivery(PaymentConsumers.Processor, OrderEvents.Created.SubjectFor(orderId), created));

        await Task.WhenAll(
            Task.Run(() => approving.HandleAsync(message, CancellationToken.None)),
            Task.Run(() => declining.HandleAsync(message, CancellationToken.None)));

        var paid = await Broker.CountForOrderAsync(PaymentEvents.Succeeded.Subject, orderId);
        var failed = await Broker.CountForOrderAsync(PaymentEvents.Failed.Subject, orderId);
        Assert.That((paid, failed), Is.EqualTo((1, 0)).Or.EqualTo((0, 1)), "one outcome, whichever leader check came first");
    }

    [Test]
    public async Task Two_notifiers_at_once_store_one_notification_and_a_later_delivery_sends_nothing()
    {
        var (orderId, created) = await CreateOrderAsync();
        var paid = await Ledger.AppendAsync(
            PaymentEvents.Succeeded, LedgerEvents.Paid(orderId), PaymentEvents.Succeeded.SubjectFor(orderId), $"{orderId:D}:payment",
            AppendCondition.After(OrderHistory.Filter(orderId), created), "c", CancellationToken.None);
        var meeting = new Barrier(2);
        var sender = new MeetingSender(meeting);
        var notification = new Notification($"{orderId:D}.paid", orderId, CustomerNotified.PaidKind, 42.5m, "USD", "pay");

        await Task.WhenAll(
            Task.Run(() => Notifier(sender).NotifyAsync(notification, DateTimeOffset.UtcNow, "c", paid.Sequence, CancellationToken.None)),
            Task.Run(() => Notifier(sender).NotifyAsync(notification, DateTimeOffset.UtcNow, "c", paid.Sequence, CancellationToken.None)));
        var sentAtOnce = sender.Sent;
        await Notifier(sender).NotifyAsync(notification, DateTimeOffset.UtcNow, "c", paid.Sequence, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await Broker.CountForOrderAsync(NotificationEvents.Notified.Subject, orderId), Is.EqualTo(1), "orders.notified");
            Assert.That(sentAtOnce, Is.EqualTo(2), "sends while both saw the outcome last (the receiver drops the repeat by its id)");
            Assert.That(sender.Sent, Is.EqualTo(sentAtOnce), "a delivery after the notification is stored sends nothing");
        }
    }

    private ChargeOrderHandler Handler(IPaymentGateway gateway)
        => new(gateway, Ledger, new PaymentsMetrics(_services!.GetRequiredService<IMeterFactory>()), TimeProvider.System, NullLogger<ChargeOrderHandler>.Instance);

    private CustomerNotifier Notifier(INotificationSender sender)
        => new(sender, Ledger, new NotificationsMetrics(_services!.GetRequiredService<IMeterFactory>()), TimeProvider.System, NullLogger<CustomerNotifier>.Instance);

    private static ApprovalLimitGateway Gateway(decimal approvalLimit)
        => new(new StaticOptionsMonitor<PaymentsOptions>(new PaymentsOptions { ApprovalLimit = approvalLimit }));

    private static DeliveryInfo Delivery(string consumer, string subject, ulong sequence)
        => new(consumer, subject, sequence, 1, DateTimeOffset.UtcNow, null);

    /// <summary>Answers only once the other handler has called its gateway too: both have read the history by then.</summary>
    private sealed class MeetingGateway(IPaymentGateway inner, Barrier meeting) : IPaymentGateway
    {
        public Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken cancellationToken)
        {
            Assert.That(meeting.SignalAndWait(TimeSpan.FromSeconds(10), cancellationToken), Is.True, "the other handler reached its gateway");
            return inner.ChargeAsync(request, cancellationToken);
        }
    }

    private sealed class MeetingSender(Barrier meeting) : INotificationSender
    {
        private int _calls;
        private int _sent;

        public int Sent => Volatile.Read(ref _sent);

        public Task SendAsync(Notification notification, CancellationToken cancellationToken)
        {
            // Only the first two (the concurrent handlers) meet; a later one passes straight through.
            if (Interlocked.Increment(ref _calls) <= meeting.ParticipantCount)
            {
                Assert.That(meeting.SignalAndWait(TimeSpan.FromSeconds(10), cancellationToken), Is.True, "the other notifier reached its sender");
            }

            Interlocked.Increment(ref _sent);
            return Task.CompletedTask;
        }
    }

    private sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
