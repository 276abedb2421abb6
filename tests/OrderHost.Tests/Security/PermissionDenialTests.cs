using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Security;

/// <summary>
/// What deploy/nats/permissions.conf refuses, tried with raw NATS clients that hold a module's real
/// credentials (and its own inbox prefix, so only the operation itself can be refused). Each refusal is
/// paired with the same operation by the user that may do it, so a broken probe cannot pass as a refusal.
/// No host runs while the tests poke: the topology and one paid order were made by a host in the setup,
/// and one more orders.created waits unprocessed for payment-processor.
/// </summary>
[TestFixture]
public sealed class PermissionDenialTests : ShippedPermissionsFixture
{
    private Guid _paidOrderId;

    [OneTimeSetUp]
    public async Task ProvisionThenStopTheHostAsync()
    {
        await using (var host = await RunningOrderHost.StartAsync(Server.Url, Permissions.HostSettings()))
        {
            _paidOrderId = await host.Api.PlaceOrderAsync(OrderBodies.Paid());
            await host.Api.WaitForOrderAsync(_paidOrderId, o => o.IsCompleted, "completed", TimeSpan.FromSeconds(30));
        }

        // With no host running, this one stays pending on payment-processor.
        var waiting = Guid.CreateVersion7();
        await Operator.PublishAsync(
            OrderCreatedEvents.Subject,
            OrderCreatedEvents.Bytes(OrderCreatedEvents.Version2(waiting, OrderBodies.UniqueCustomerId(), 5m)),
            OrderCreatedEvents.Headers(waiting));
        await Eventually.True(
            async () => await Operator.FindConsumerAsync(PaymentConsumers.Processor) is { NumPending: > 0 },
            "an orders.created pending on payment-processor");
    }

    [Test]
    public async Task Payments_user_cannot_publish_orders_created_and_nothing_lands_in_the_stream()
    {
        await using var payments = await Permissions.ConnectAsync(Server, ShippedPermissions.Payments);
        var forged = Guid.CreateVersion7();

        var outcome = await TryJetStreamPublishAsync(payments, forged);

        Assert.That(outcome, Is.Not.EqualTo("stored"), "JetStream publish of orders.created by orderhost-payments");
        var error = await payments.WaitForServerErrorAsync($"Permissions Violation for Publish to \"{OrderEvents.Created.SubjectFor(forged)}\"");
        TestContext.Out.WriteLine($"publish outcome: {outcome}; server: -ERR '{error}'");
        Assert.That(await Operator.CountForOrderAsync(OrderCreatedEvents.Subject, forged), Is.Zero, "orders.created of the forged order in ORDERS");

        // The same publish by the user that owns orders.created is stored: the probe itself works.
        await using var orders = await Permissions.ConnectAsync(Server, ShippedPermissions.Orders);
        var genuine = Guid.CreateVersion7();
        Assert.That(await TryJetStreamPublishAsync(orders, genuine), Is.EqualTo("stored"), "the same publish by orderhost-orders");
        Assert.That(await Operator.CountForOrderAsync(OrderCreatedEvents.Subject, genuine), Is.EqualTo(1));
    }

    [Test]
    public async Task Notifications_user_cannot_pull_from_payment_processor_and_its_delivered_count_is_unchanged()
    {
        var before = (await Operator.FindConsumerAsync(PaymentConsumers.Processor))!;
        Assert.That(before.NumPending, Is.GreaterThan(0), "something to pull, so a successful pull would show");
        await using var notifications = await Permissions.ConnectAsync(Server, ShippedPermissions.Notifications);

        var pulled = await TryPullOneAsync(notifications, ShippedPermissions.Notifications);
        var lookup = await TryAsync(() => notifications.JetStream.GetConsumerAsync(BrokerProbe.OrdersStream, PaymentConsumers.Processor).AsTask());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pulled, Does.Not.StartWith("message"), "$JS.API.CONSUMER.MSG.NEXT.ORDERS.payment-processor by orderhost-notifications");
            Assert.That(lookup, Does.Not.StartWith("ok"), "consumer info of payment-processor by orderhost-notifications");
        }

        await notifications.WaitForServerErrorAsync("Permissions Violation for Publish to \"$JS.API.CONSUMER.MSG.NEXT.ORDERS.payment-processor\"");
        var after = (await Operator.FindConsumerAsync(PaymentConsumers.Processor))!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(after.Delivered.ConsumerSeq, Is.EqualTo(before.Delivered.ConsumerSeq), "payment-processor delivered count");
            Assert.That(after.NumPending, Is.EqualTo(before.NumPending), "payment-processor pending");
            Assert.That(after.NumAckPending, Is.EqualTo(before.NumAckPending), "payment-processor ack pending");
        }

        // The same pull by orderhost-payments gets the message: the probe itself works. Nak it back.
        await using var payments = await Permissions.ConnectAsync(Server, ShippedPermissions.Payments);
        Assert.That(await TryPullOneAsync(payments, ShippedPermissions.Payments, nakAfterwards: true), Does.StartWith("message on orders.created"), "the same pull by orderhost-payments");
    }

    [Test]
    public async Task A_module_writes_dead_letter_entries_but_not_the_settled_markers_that_would_stop_them()
    {
        var sequence = ulong.MaxValue - (ulong)Random.Shared.Next(1, 1_000_000);
        var marker = DeadLetterSubject.Settled(sequence);
        var entry = DeadLetterSubject.Entry(sequence, PaymentEvents.Succeeded.Subject, Guid.CreateVersion7());
        await using var notifications = await Permissions.ConnectAsync(Server, ShippedPermissions.Notifications);

        var markerOutcome = await TryPublishAsync(notifications, marker);
        var entryOutcome = await TryPublishAsync(notifications, entry);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(markerOutcome, Is.Not.EqualTo("stored"), $"{marker} by orderhost-notifications");
            Assert.That(entryOutcome, Is.EqualTo("stored"), $"{entry} by orderhost-notifications: the probe itself works");
        }

        await notifications.WaitForServerErrorAsync($"Permissions Violation for Publish to \"{marker}\"");

        // The operator, who replays and deletes, may write it.
        await using var @operator = await Permissions.ConnectAsync(Server, ShippedPermissions.Operator);
        Assert.That(await TryPublishAsync(@operator, marker), Is.EqualTo("stored"), $"{marker} by orderhost-operator");
    }

    [Test]
    public async Task Payments_user_cannot_read_the_idempotency_keys_but_reads_the_ledger_as_it_needs()
    {
        await using var payments = await Permissions.ConnectAsync(Server, ShippedPermissions.Payments);
        await using var orders = await Permissions.ConnectAsync(Server, ShippedPermissions.Orders);
        var history = OrderHistory.Filter(_paidOrderId);

        var store = await TryAsync(() => payments.KeyValue.GetStoreAsync("idempotency-keys").AsTask());
        var directGet = await TryRequestAsync(payments, "$JS.API.DIRECT.GET.KV_idempotency-keys", Encoding.UTF8.GetBytes("{\"last_by_subj\":\"$KV.idempotency-keys.x\"}"));
        var leaderRead = await TryRequestAsync(payments, "$JS.API.STREAM.MSG.GET.ORDERS", Encoding.UTF8.GetBytes($"{{\"last_by_subj\":\"{history}\"}}"));
        var historyRead = await TryRequestAsync(orders, "$JS.API.DIRECT.GET.ORDERS", Encoding.UTF8.GetBytes($"{{\"multi_last\":[\"{history}\"],\"batch\":8}}"));
        var ordersLeaderRead = await TryRequestAsync(orders, "$JS.API.STREAM.MSG.GET.ORDERS", Encoding.UTF8.GetBytes($"{{\"last_by_subj\":\"{history}\"}}"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(store, Does.Not.StartWith("ok"), "opening the idempotency-keys bucket as orderhost-payments");
            Assert.That(directGet, Does.Not.StartWith("reply"), "direct get of an idempotency record as orderhost-payments");
            Assert.That(leaderRead, Does.StartWith("reply").And.Contain(NotificationEvents.Notified.SubjectFor(_paidOrderId)), "the leader read of an order's last event as orderhost-payments");
            Assert.That(historyRead, Does.StartWith("reply"), "the direct get of an order's history as orderhost-orders");
            Assert.That(ordersLeaderRead, Does.Not.StartWith("reply"), "a leader read as orderhost-orders, which decides no effect");
        }

        await payments.WaitForServerErrorAsync("Permissions Violation for Publish to \"$JS.API.STREAM.INFO.KV_idempotency-keys\"");
        await payments.WaitForServerErrorAsync("Permissions Violation for Publish to \"$JS.API.DIRECT.GET.KV_idempotency-keys");
        await orders.WaitForServerErrorAsync("Permissions Violation for Publish to \"$JS.API.STREAM.MSG.GET.ORDERS\"");
    }

    private static async Task<string> TryPublishAsync(SecureNatsClient client, string subject)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var ack = await client.JetStream.PublishAsync(
                subject, new byte[] { 1 }, NatsRawSerializer<byte[]>.Default, new NatsJSPubOpts { RetryAttempts = 1 }, cancellationToken: timeout.Token);
            return ack.Error is { } error ? $"ack error {error.Code} {error.Description}" : "stored";
        }
        catch (Exception ex)
        {
            return $"no ack: {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static async Task<string> TryJetStreamPublishAsync(SecureNatsClient client, Guid orderId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            var ack = await client.JetStream.PublishAsync(
                OrderEvents.Created.SubjectFor(orderId),
                OrderCreatedEvents.Bytes(OrderCreatedEvents.Version2(orderId, OrderBodies.UniqueCustomerId(), 5m)),
                NatsRawSerializer<byte[]>.Default,
                new NatsJSPubOpts { MsgId = $"{orderId:D}:created", RetryAttempts = 1 },
                headers: new NatsHeaders { ["X-Correlation-Id"] = orderId.ToString("D") },
                cancellationToken: timeout.Token);
            return ack.Error is { } error ? $"ack error {error.Code} {error.Description}" : "stored";
        }
        catch (Exception ex)
        {
            return $"no ack: {ex.GetType().Name}: {ex.Message}";
        }
    }

    /// <summary>
    /// One pull request (batch 1, no wait) on payment-processor with the reply going to an inbox of the
    /// user's own. (A core request/reply cannot be used: the message comes back under its stream subject.)
    /// </summary>
    private static async Task<string> TryPullOneAsync(SecureNatsClient client, ModuleUser user, bool nakAfterwards = false)
    {
        var inbox = $"{user.InboxPrefix}.pull.{Guid.NewGuid():N}";
        await using var replies = await client.Connection.SubscribeCoreAsync(inbox, serializer: NatsRawSerializer<byte[]>.Default);
        await client.Connection.PublishAsync(
            $"$JS.API.CONSUMER.MSG.NEXT.{BrokerProbe.OrdersStream}.{PaymentConsumers.Processor}",
            Encoding.UTF8.GetBytes("{\"batch\":1,\"no_wait\":true}"),
            replyTo: inbox,
            serializer: NatsRawSerializer<byte[]>.Default);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            var reply = await replies.Msgs.ReadAsync(timeout.Token);
            if (reply.Headers?.Code is int code && code >= 400)
            {
                return $"status {code} {reply.Headers.MessageText}";
            }

            if (nakAfterwards && reply.ReplyTo is { } ackSubject)
            {
                await client.Connection.PublishAsync(ackSubject, Encoding.ASCII.GetBytes("-NAK"));
            }

            return $"message on {reply.Subject}";
        }
        catch (OperationCanceledException)
        {
            return "nothing within 3 s";
        }
    }

    private static async Task<string> TryRequestAsync(SecureNatsClient client, string subject, byte[] data)
    {
        try
        {
            var reply = await client.Connection.RequestAsync<byte[], byte[]>(
                subject,
                data,
                requestSerializer: NatsRawSerializer<byte[]>.Default,
                replySerializer: NatsRawSerializer<byte[]>.Default,
                replyOpts: new NatsSubOpts { Timeout = TimeSpan.FromSeconds(3) });
            return $"reply ({reply.Headers?.Code}) {Encoding.UTF8.GetString(reply.Data ?? [])}";
        }
        catch (Exception ex)
        {
            return $"nothing: {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static async Task<string> TryAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return $"ok: {await operation()}";
        }
        catch (Exception ex)
        {
            return $"failed: {ex.GetType().Name}: {ex.Message}";
        }
    }
}
