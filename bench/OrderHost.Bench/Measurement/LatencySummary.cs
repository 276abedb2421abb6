using HdrHistogram;

namespace OrderHost.Bench.Measurement;

/// <summary>Percentiles in milliseconds, read from an HdrHistogram recorded in microseconds.</summary>
internal sealed record LatencySummary(long Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs, double MeanMs)
{
    // One hour at 3 significant digits: enough for anything a run can produce.
    private const long HighestMicros = 3_600_000_000;

    /// <summary>Durations in <see cref="Stopwatch"/> ticks; negatives count as zero.</summary>
    public static LatencySummary? FromTicks(IEnumerable<long> ticks)
        => FromMicros(ticks.Select(t => t * 1_000_000 / Stopwatch.Frequency));

    /// <summary>Durations in microseconds; values below 1 µs count as 1 µs.</summary>
    public static LatencySummary? FromMicros(IEnumerable<long> micros)
    {
        var histogram = new LongHistogram(1, HighestMicros, 3);
        foreach (var value in micros)
        {
            histogram.RecordValue(Math.Clamp(value, 1, HighestMicros));
        }

        return histogram.TotalCount == 0 ? null : new LatencySummary(
            histogram.TotalCount,
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()),
            Math.Round(histogram.GetMean() / 1000.0, 3));
    }

    private static double Ms(long micros) => Math.Round(micros / 1000.0, 3);
}
