using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Ledger;
using OrderHost.Messaging.Topology;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Ledger;

/// <summary>A real server with the ledger stream as the host provisions it (direct gets allowed), and the kernel's ledger on it.</summary>
public abstract class LedgerFixture : NatsServerFixture
{
    protected const string Stream = BrokerProbe.OrdersStream;

    private JetStreamLedger? _ledger;

    internal JetStreamLedger Ledger => _ledger ?? throw new InvalidOperationException("The ledger is not set up.");

    [OneTimeSetUp]
    public async Task CreateLedgerAsync()
    {
        await Broker.JetStream.CreateOrUpdateStreamAsync(TopologyProvisioner.LedgerStreamConfig(NatsOptions.For(OrderLedger.Definition)));
        _ledger = new JetStreamLedger(Broker.JetStream, Stream, TimeSpan.FromSeconds(5));
    }

    /// <summary>Stores an order's created event as the intake does: first in its history.</summary>
    internal async Task<(Guid OrderId, ulong Sequence)> CreateOrderAsync(decimal total = 42.5m)
    {
        var orderId = Guid.CreateVersion7();
        var appended = await Ledger.AppendAsync(
            OrderEvents.Created, LedgerEvents.Created(orderId, total), OrderEvents.Created.SubjectFor(orderId), $"{orderId:D}:created",
            AppendCondition.First(OrderHistory.Filter(orderId)), orderId.ToString("D"), CancellationToken.None);
        Assert.That(appended.StoredNow, Is.True, $"created of {orderId}: {appended}");
        return (orderId, appended.Sequence);
    }
}
