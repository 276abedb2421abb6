using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// Runs the repository's alert rules (deploy/prometheus/alerts.yml) with <c>promtool test rules</c> over series a
/// test observed on a real host, and checks which alerts fire when: the rules are judged on real numbers.
/// </summary>
public static class PromtoolRules
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(2);

    /// <summary>One series per sample, named and labelled as scraped, holding the given values one minute apart (promtool's notation).</summary>
    public static IEnumerable<(MetricSample Sample, string Values)> Hold(IEnumerable<MetricSample> samples, Func<MetricSample, string> values)
        => samples.Select(s => (s, values(s)));

    /// <summary>
    /// Asserts that at each <paramref name="expected"/> minute exactly the listed (alertname, stream) pairs are firing.
    /// </summary>
    public static async Task AssertFiringAsync(
        IEnumerable<(MetricSample Sample, string Values)> series,
        IReadOnlyList<(int Minute, (string Alert, string Stream)[] Firing)> expected)
    {
        var promtool = await DebianPackage.EnsureToolAsync("promtool", "prometheus");
        var rules = Path.Combine(RepositoryRoot.Find(), "deploy", "prometheus", "alerts.yml");
        var file = Path.Combine(Path.GetTempPath(), "orderhost-tests", $"promtool-{Guid.NewGuid():N}.yml");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var test = new StringBuilder($"""
            rule_files: ["{rules}"]
            evaluation_interval: 1m
            group_eval_order: [orderhost-objectives, orderhost-recording, orderhost]
            tests:
              - interval: 1m
                input_series:

            """);
        foreach (var (sample, values) in series)
        {
            var labels = string.Join(",", sample.Labels.Select(l => $"{l.Key}=\"{l.Value}\""));
            test.AppendLine(CultureInfo.InvariantCulture, $"      - series: '{sample.Name}{{{labels}}}'\n        values: '{values}'");
        }

        test.AppendLine("    promql_expr_test:");
        foreach (var (minute, firing) in expected)
        {
            test.AppendLine(CultureInfo.InvariantCulture, $"      - expr: count by (alertname, stream) (ALERTS{{alertstate=\"firing\"}})\n        eval_time: {minute}m\n        exp_samples:");
            foreach (var (alert, stream) in firing)
            {
                test.AppendLine(CultureInfo.InvariantCulture, $"          - labels: '{{alertname=\"{alert}\",stream=\"{stream}\"}}'\n            value: 1");
            }
        }

        await File.WriteAllTextAsync(file, test.ToString());
        var output = new RecentOutput(32 * 1024);
        using var run = output.Start(new ProcessStartInfo(promtool, ["test", "rules", file]));
        using var timeout = new CancellationTokenSource(RunTimeout);
        await run.WaitForExitAsync(timeout.Token);
        Assert.That(run.ExitCode, Is.Zero, $"promtool test rules {file}:\n{output}\n--- the test ---\n{test}");
        File.Delete(file);
    }
}
