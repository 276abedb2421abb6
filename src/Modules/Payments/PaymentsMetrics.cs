using System.Diagnostics.Metrics;
using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Payments;

internal sealed class PaymentsMetrics
{
    private readonly Counter<long> _processed;

    public PaymentsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MessagingTelemetry.MeterName);
        _processed = meter.CreateCounter<long>("orderhost.payments.processed", description: "Orders charged, by outcome (paid, failed); each order counts once.");
    }

    public void Processed(bool approved)
        => _processed.Add(1, new KeyValuePair<string, object?>("outcome", approved ? "paid" : "failed"));
}
