using System.Diagnostics.Metrics;
using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Notifications;

internal sealed class NotificationsMetrics
{
    private readonly Counter<long> _sent;
    private readonly Histogram<double> _endToEnd;

    public NotificationsMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MessagingTelemetry.MeterName);
        _sent = meter.CreateCounter<long>("orderhost.notifications.sent", description: "Customers notified, by kind (paid, failed).");
        _endToEnd = meter.CreateHistogram(
            "orderhost.order.e2e.duration",
            unit: "s",
            description: "From order acceptance to the customer being notified.",
            advice: new System.Diagnostics.Metrics.InstrumentAdvice<double> { HistogramBucketBoundaries = MessagingTelemetry.LatencyBuckets });
    }

    public void Sent(string kind, TimeSpan sinceAccepted)
    {
        _sent.Add(1, new KeyValuePair<string, object?>("kind", kind));
        _endToEnd.Record(Math.Max(0, sinceAccepted.TotalSeconds));
    }
}
