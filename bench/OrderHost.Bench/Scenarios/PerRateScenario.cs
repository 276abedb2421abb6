using System.Globalization;
using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Reporting;

namespace OrderHost.Bench.Scenarios;

/// <summary>A scenario measured once per target rate (<c>--rates</c>), each rate on a fresh server; rows are named <c>{Name}@{rate}</c>.</summary>
internal abstract class PerRateScenario(BenchContext context, string? syncInterval) : IScenario
{
    public abstract string Name { get; }

    public string SyncInterval => Measure.SyncLabel(context, syncInterval);

    /// <summary>The server setting its runs start with (null: the server default).</summary>
    protected string? ServerSyncInterval => syncInterval;

    protected BenchContext Context => context;

    public async Task<IReadOnlyList<RunResult>> RunAsync(int run, CancellationToken cancellationToken)
    {
        var results = new List<RunResult>();
        foreach (var rate in context.Options.Rates)
        {
            results.Add(await RunRateAsync(run, rate, RowName(rate), cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    protected abstract Task<RunResult> RunRateAsync(int run, int rate, string rowName, CancellationToken cancellationToken);

    private string RowName(int rate) => $"{Name}@{rate.ToString(CultureInfo.InvariantCulture)}";
}
