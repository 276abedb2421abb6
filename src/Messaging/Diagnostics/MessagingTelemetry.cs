using System.Diagnostics;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>Names the host subscribes to, and the latency buckets every OrderHost histogram shares.</summary>
public static class MessagingTelemetry
{
    public const string MeterName = "OrderHost";
    public const string ActivitySourceName = "OrderHost.Messaging";

    internal static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    /// <summary>Seconds, from a quarter millisecond to ten seconds: this system's range.</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
    [
        0.00025, 0.0005, 0.00075, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.075,
        0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ];
}
