using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Durability;

/// <summary>What a host says about its durability once its check has run: the gauge per stream, the readiness details.</summary>
internal sealed record DurabilityReport(IReadOnlyDictionary<string, double> AtRiskByStream, ApiResponse Readiness)
{
    public const string Metric = "orderhost_durability_at_risk";

    /// <summary>Waits until the gauge is exported for <paramref name="streams"/> and /health/ready shows the verdict.</summary>
    public static async Task<DurabilityReport> WaitForAsync(RunningOrderHost host, params string[] streams)
    {
        var atRisk = await Eventually.Until(
            async () => (await host.Api.ScrapeMetricsAsync())
                .Where(s => s.Name == Metric && s.Label("stream") is not null)
                .ToDictionary(s => s.Label("stream")!, s => s.Value),
            gauges => streams.All(gauges.ContainsKey),
            $"{Metric} for {string.Join(", ", streams)}");
        var readiness = await Eventually.Until(
            () => host.Api.GetAsync("/health/ready"),
            r => r.Body.Contains("durability:", StringComparison.Ordinal),
            "/health/ready to show the durability verdict");
        return new DurabilityReport(atRisk, readiness);
    }
}
