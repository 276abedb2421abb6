using System.Diagnostics.Metrics;
using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Orders;

internal sealed class OrdersMetrics
{
    private readonly Counter<long> _accepted;

    public OrdersMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MessagingTelemetry.MeterName);
        _accepted = meter.CreateCounter<long>("orderhost.orders.accepted", description: "Orders stored in the stream; a replayed Idempotency-Key is not counted again.");
    }

    public void Accepted() => _accepted.Add(1);
}
