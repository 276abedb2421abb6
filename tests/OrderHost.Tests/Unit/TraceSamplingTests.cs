using Microsoft.Extensions.Configuration;
using OrderHost.Host.Telemetry;

namespace OrderHost.Tests.Unit;

/// <summary>The standard OTEL_TRACES_SAMPLER names, and the default with and without an exporter.</summary>
[TestFixture]
public sealed class TraceSamplingTests
{
    [TestCase(null, true, "ParentBased{AlwaysOnSampler}")]
    [TestCase(null, false, "ParentBased{AlwaysOffSampler}")]
    [TestCase("always_on", false, "AlwaysOnSampler")]
    [TestCase("ALWAYS_OFF", true, "AlwaysOffSampler")]
    [TestCase("parentbased_always_on", false, "ParentBased{AlwaysOnSampler}")]
    [TestCase("parentbased_always_off", true, "ParentBased{AlwaysOffSampler}")]
    public void Names_the_sampler(string? name, bool exporting, string expected)
        => Assert.That(TraceSampling.From(Configuration(name, null), exporting).Description, Is.EqualTo(expected));

    [Test]
    public void A_ratio_sampler_takes_its_ratio_from_the_argument()
    {
        Assert.That(TraceSampling.From(Configuration("traceidratio", "0.25"), exporting: true).Description, Does.StartWith("TraceIdRatioBasedSampler{0.25"));
        Assert.That(TraceSampling.From(Configuration("parentbased_traceidratio", "1"), exporting: true).Description, Does.StartWith("ParentBased{TraceIdRatioBasedSampler{1"));
    }

    [TestCase("sometimes", null)]
    [TestCase("traceidratio", null)]
    [TestCase("traceidratio", "2")]
    public void An_unknown_name_or_a_bad_ratio_stops_the_start_with_a_clear_error(string name, string? arg)
        => Assert.That(() => TraceSampling.From(Configuration(name, arg), exporting: false), Throws.InvalidOperationException.With.Message.Contains("OTEL_TRACES_SAMPLER"));

    private static IConfiguration Configuration(string? sampler, string? arg)
        => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_TRACES_SAMPLER"] = sampler,
            ["OTEL_TRACES_SAMPLER_ARG"] = arg,
        }).Build();
}
