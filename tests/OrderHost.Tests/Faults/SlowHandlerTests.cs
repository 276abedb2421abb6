using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using OrderHost.Orders.Contracts;
using OrderHost.Payments;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Faults;

/// <summary>
/// Slow and hanging handlers: messages waiting behind a slow handler are reported in progress, so a short
/// AckWait does not redeliver them; a handler that hangs ends at its deadline and is retried, and the loop
/// stays healthy.
/// </summary>
[TestFixture]
public sealed class SlowHandlerTests : OrderHostFixture
{
    private const int Orders = 24;
    private static readonly TimeSpan HandlerTime = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly SlowGateway _gateway = new(HandlerTime);

    protected override IReadOnlyDictionary<string, string?>? HostSettings => new Dictionary<string, string?>
    {
        ["Nats:Consumers:AckWait"] = "00:00:02",
        ["Nats:Consumers:NakDelays:0"] = "00:00:00.200",
        [$"Nats:Consumers:{PaymentConsumers.Processor}:MaxConcurrency"] = "1",
    };

    protected override Action<WebApplicationBuilder>? ConfigureHost => TestServices.With(gateway: _gateway);

    [Test]
    [Order(1)]
    public async Task Orders_queued_behind_a_slow_handler_for_many_times_ack_wait_are_not_redelivered()
    {
        var customerId = OrderBodies.UniqueCustomerId();
        var orderIds = new List<Guid>();
        for (var i = 0; i < Orders; i++)
        {
            orderIds.Add(await Host.Api.PlaceOrderAsync(OrderBodies.Paid(customerId)));
        }

        // One handler at a time, 0.5 s each: the last order waits about 12 s, six times AckWait.
        await OrderCompletion.WaitAllAsync(Host.Api, Broker, orderIds, Patience);
        await Broker.WaitUntilSettledAsync(Patience);
        var consumer = await Broker.FindConsumerAsync(PaymentConsumers.Processor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(consumer!.NumRedelivered, Is.Zero, "payment-processor redeliveries");
            Assert.That(orderIds.Select(_gateway.CallsFor), Is.All.EqualTo(1), "gateway calls per order");
            Assert.That(await Broker.CountAsync(DeadLetterSubject.OfStep(OrderEvents.Created.Subject), BrokerProbe.DeadLetterStream), Is.Zero, "dead letters");
        }
    }

    [Test]
    [Order(2)]
    public async Task A_gateway_that_hangs_is_cut_at_the_handler_deadline_and_the_order_completes_on_the_retry()
    {
        var customerId = OrderBodies.UniqueCustomerId();
        _gateway.HangOnceFor(customerId);

        var orderId = await Host.Api.PlaceOrderAsync(OrderBodies.Paid(customerId));
        var order = await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed after the hung call", Patience);
        var ready = await Host.Api.GetAsync("/health/ready");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(order.Status, Is.EqualTo("paid"), order.ToString());
            Assert.That(_gateway.CallsFor(orderId), Is.EqualTo(2), "gateway calls: the hung one, cut at the deadline, and the retry");
            Assert.That(_gateway.Cancelled, Is.EqualTo(1), "calls cancelled by the handler deadline");
            Assert.That(ready.Status, Is.EqualTo(HttpStatusCode.OK), ready.ToString());
        }
    }

    /// <summary>Approves after a fixed time; for a marked customer the first call waits until it is cancelled.</summary>
    private sealed class SlowGateway(TimeSpan time) : IPaymentGateway
    {
        private readonly ConcurrentDictionary<Guid, int> _calls = new();
        private readonly ConcurrentDictionary<string, bool> _hangOnce = new(StringComparer.Ordinal);
        private int _cancelled;

        public int Cancelled => Volatile.Read(ref _cancelled);

        public void HangOnceFor(string customerId) => _hangOnce[customerId] = true;

        public int CallsFor(Guid orderId) => _calls.GetValueOrDefault(orderId);

        public async Task<PaymentResult> ChargeAsync(PaymentRequest request, CancellationToken cancellationToken)
        {
            _calls.AddOrUpdate(request.OrderId, 1, (_, n) => n + 1);
            if (_hangOnce.TryRemove(request.CustomerId, out _))
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref _cancelled);
                    throw;
                }
            }

            await Task.Delay(time, cancellationToken);
            return new PaymentResult(true, $"slow_{request.OrderId:N}", null);
        }
    }
}
