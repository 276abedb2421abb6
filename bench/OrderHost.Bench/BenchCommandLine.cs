using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using OrderHost.Bench.Scenarios;

namespace OrderHost.Bench;

/// <summary>
/// The benchmark's options as System.CommandLine declares them (it prints --help and refuses what does not parse);
/// <see cref="BenchOptions.From"/> turns an accepted command line into settings.
/// </summary>
internal static class BenchCommandLine
{
    public static readonly Option<bool> Quick = new("--quick")
    {
        Description = "Small counts (300 orders per scenario, 1 run, one growth row of 1000 stored orders): proves the harness works (CI).",
    };

    public static readonly Option<int> Runs = Positive("--runs", "N", "Runs per scenario; the report shows the median (default 3, quick 1).");

    public static readonly Option<TimeSpan> WarmupSeconds = Parsed(
        "--warmup-seconds", "S",
        "Per scenario, repeat discarded runs (at least one) until S seconds are spent before measuring, so the JIT has tiered up the hot paths (default 20, quick 0, 0 with --host-process: its host is fresh in every run).",
        value => TimeSpan.FromSeconds(WholeNumber(value, "--warmup-seconds")));

    public static readonly Option<IReadOnlyList<string>> Scenarios = Parsed<IReadOnlyList<string>>(
        "--scenarios", "a,b,...",
        $"Comma-separated, any of: {string.Join(", ", BenchOptions.AllScenarios)} (default: all).",
        BenchOptions.ParseScenarios);

    public static readonly Option<int> Orders = Positive("--orders", "N", "Orders per run of raw, raw-guarded, pipeline and the growth rows (default 20000).");

    public static readonly Option<IReadOnlyList<int>> Growth = PositiveList(
        "--growth", "N1,N2,...",
        "Growth rows N1,N2,...: the pipeline with N finished orders (created, paid, notified) already in ORDERS before the host starts, its consumers past them; reports the prefill time and nats-server's resident memory (default none; quick 1000). A prefill longer than 10 minutes fails its row. No discarded warm-up runs (each would prefill again): run pipeline first.");

    public static readonly Option<int> HttpOrders = Positive("--http-orders", "N", "Orders per run of http (default 5000).");

    public static readonly Option<IReadOnlyList<int>> Rates = PositiveList("--rates", "R1,R2,...", "Target rates R1,R2,... in orders/s for the rates scenarios (default 500,1000,2000).");

    public static readonly Option<int> RateOrders = Positive("--rate-orders", "N", "Orders per rate, for raw-rates, raw-guarded-rates and rates (default 10000).");

    public static readonly Option<int> Concurrency = Positive("--concurrency", "N", "HTTP workers of the http scenario (default 32).");

    public static readonly Option<int> Window = Positive("--window", "N", "Publish acknowledgements in flight per publisher (default 256).");

    public static readonly Option<int> Warmup = Parsed(
        "--warmup", "N",
        "Orders before measuring, per fresh server (default 1000; quick 100; 20000 with --host-process, so the fresh child host has tiered up).",
        value => WholeNumber(value, "--warmup"));

    public static readonly Option<TimeSpan> Timeout = Parsed(
        "--timeout", "SECONDS",
        "Completion deadline in seconds after the last order was sent (default 120; quick 30).",
        value => TimeSpan.FromSeconds(PositiveNumber(value, "--timeout")));

    public static readonly Option<IReadOnlyList<string?>> SyncIntervals = Parsed<IReadOnlyList<string?>>(
        "--sync-interval", "V1,V2",
        "nats-server jetstream sync_interval V1,V2: several run every scenario under each, with ratios to the raw relay under the same setting; 1s,always puts durable beside lazy (default 1s; 'default' = server default, 2 min; 'always' = fsync before every acknowledgement; quick: 1s,always).",
        value =>
        {
            string?[] intervals = [.. Items(value).Select(v => v.Equals("default", StringComparison.OrdinalIgnoreCase) ? null : BenchOptions.ValidateSyncInterval(v)).Distinct()];
            return intervals.Length > 0 ? intervals : throw new ArgumentException("--sync-interval needs at least one value.");
        });

    public static readonly Option<bool> RawDoubleAck = new("--raw-double-ack")
    {
        Description = "Raw relay: double acks (server-confirmed), as the host's consumers use.",
    };

    public static readonly Option<GuardedParts> GuardedWithout = Parsed(
        "--guarded-without", "read,condition,double-ack",
        "Raw-guarded relay: leave out any of read (the leader read), condition (the append's expected last subject sequence), double-ack, to measure what each costs (the pipeline always has them all).",
        BenchOptions.ParseGuardedParts);

    public static readonly Option<string> NatsUrl = Parsed(
        "--nats-url", "URL",
        "Use this loopback server instead of starting one per scenario (no fresh store per run; one sync interval, the server's; no growth rows).",
        BenchOptions.ValidateLoopbackUrl);

    public static readonly Option<string> NatsServer = new("--nats-server")
    {
        HelpName = "PATH",
        Description = "nats-server binary (default: $NATS_SERVER_BIN, then .tools/, then PATH).",
    };

    public static readonly Option<bool> HostProcess = new("--host-process")
    {
        Description = "Run the host as shipped, in a child process per run (dotnet OrderHost.dll: its runtimeconfig.json GC settings, appsettings.json logging, output drained and discarded) instead of in-process; the report adds the host process's own CPU and peak working set.",
    };

    public static readonly Option<string> HostDll = new("--host-dll")
    {
        HelpName = "PATH",
        Description = "With --host-process: the OrderHost.dll to run (default: src/Host/bin/<configuration>/<framework>/, built with the benchmark).",
    };

    public static readonly Option<string> Out = new("--out")
    {
        HelpName = "DIR",
        Description = "Where the JSON and Markdown go (default: bench/results).",
    };

    public static readonly RootCommand Root = new(
        "OrderHost benchmark: raw NATS relay ceiling, the real modules (in-process, or the shipped host as a separate process), "
        + "HTTP, fixed-rate latency, growth of the ledger, durable beside lazy fsync. Run it as bench/run.sh [options].")
    {
        Quick, Runs, WarmupSeconds, Scenarios, Orders, Growth, HttpOrders, Rates, RateOrders, Concurrency, Window, Warmup, Timeout,
        SyncIntervals, RawDoubleAck, GuardedWithout, NatsUrl, NatsServer, HostProcess, HostDll, Out,
    };

    /// <summary>Reads an accepted command line: an option's value where given, else the fallback of the mode.</summary>
    public sealed class Values(ParseResult parsed)
    {
        public bool Has(Option option) => parsed.GetResult(option) is not null;

        public bool Flag(Option<bool> option) => parsed.GetValue(option);

        public string? Optional(Option<string> option) => parsed.GetValue(option);

        public T Get<T>(Option<T> option, T fallback) => Has(option) ? parsed.GetValue(option)! : fallback;
    }

    /// <summary>An option whose one value <paramref name="parse"/> reads; its <see cref="ArgumentException"/> becomes a parse error.</summary>
    private static Option<T> Parsed<T>(string name, string helpName, string description, Func<string, T> parse) => new(name)
    {
        HelpName = helpName,
        Description = description,
        CustomParser = result =>
        {
            try
            {
                return parse(result.Tokens.Single().Value);
            }
            catch (ArgumentException ex)
            {
                result.AddError(ex.Message);
                return default!;
            }
        },
    };

    private static Option<int> Positive(string name, string helpName, string description)
        => Parsed(name, helpName, description, value => PositiveNumber(value, name));

    private static Option<IReadOnlyList<int>> PositiveList(string name, string helpName, string description)
        => Parsed<IReadOnlyList<int>>(name, helpName, description, value => [.. Items(value).Select(n => PositiveNumber(n, name))]);

    private static string[] Items(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static int WholeNumber(string value, string name)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException($"{name} needs a whole number (0 or more), not '{value}'.");

    private static int PositiveNumber(string value, string name)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} needs a positive whole number, not '{value}'.");
}
