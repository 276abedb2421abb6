namespace OrderHost.Tests.Infrastructure;

/// <summary>Sums of Prometheus samples by name and labels, for metrics read from /metrics.</summary>
public static class MetricQueries
{
    /// <summary>The sum of every sample named <paramref name="name"/> that carries all the given label values (0 when none).</summary>
    public static double Sum(this IEnumerable<MetricSample> samples, string name, params (string Label, string Value)[] labels)
        => samples
            .Where(s => s.Name == name && labels.All(l => s.Label(l.Label) == l.Value))
            .Sum(s => s.Value);

    /// <summary>Scrapes /metrics through any OrderApiClient (in-process or published host).</summary>
    public static async Task<IReadOnlyList<MetricSample>> ScrapeMetricsAsync(this OrderApiClient api)
    {
        var response = await api.GetAsync("/metrics");
        Assert.That(response.Status, Is.EqualTo(System.Net.HttpStatusCode.OK), $"GET /metrics: {response}");
        return PrometheusText.Parse(response.Body);
    }
}
