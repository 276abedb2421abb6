using System.Globalization;
using OrderHost.Bench.Scenarios;

namespace OrderHost.Bench;

/// <summary>Command-line settings. Full mode is the default; <c>--quick</c> shrinks every count for CI.</summary>
internal sealed class BenchOptions
{
    public static readonly string[] AllScenarios = [ScenarioNames.Raw, ScenarioNames.RawGuarded, ScenarioNames.Pipeline, ScenarioNames.Http, ScenarioNames.RawRates, ScenarioNames.RawGuardedRates, ScenarioNames.Rates];

    public bool Quick { get; private set; }

    public int Runs { get; private set; } = 3;

    /// <summary>
    /// Per scenario, discarded runs are repeated (at least one) until this much time is spent: the process
    /// JIT-compiles and tiers up its hot paths (on 2 cores the default tiering needs tens of thousands of orders).
    /// </summary>
    public TimeSpan WarmupTime { get; private set; } = TimeSpan.FromSeconds(20);

    public IReadOnlyList<string> Scenarios { get; private set; } = AllScenarios;

    /// <summary>Orders per run of raw, raw-guarded and pipeline.</summary>
    public int Orders { get; private set; } = 20_000;

    public int HttpOrders { get; private set; } = 5_000;

    // 10,000 per rate: a p99 from 100 orders per run (3,000 gave 30, and short runs were dominated by their first second).
    public int RateOrders { get; private set; } = 10_000;

    public IReadOnlyList<int> Rates { get; private set; } = [500, 1000, 2000];

    public int Concurrency { get; private set; } = 32;

    /// <summary>Publish acknowledgements in flight per publisher (PublishConcurrentAsync futures).</summary>
    public int Window { get; private set; } = 256;

    /// <summary>Orders pushed through each fresh server/host before measuring (JIT, connections, buckets).</summary>
    public int Warmup { get; private set; } = 1_000;

    /// <summary>How long a run may take, after its last order was sent, for every order to complete.</summary>
    public TimeSpan CompletionTimeout { get; private set; } = TimeSpan.FromSeconds(120);

    public string? NatsUrl { get; private set; }

    public string? NatsServerPath { get; private set; }

    /// <summary>
    /// The <c>sync_interval</c>s to run every scenario under, each with its own rows and its own raw reference
    /// (null keeps the server default, 2 min). Several: durable beside lazy in one invocation.
    /// </summary>
    public IReadOnlyList<string?> SyncIntervals { get; private set; } = ["1s"];

    /// <summary>
    /// Growth rows: the pipeline with this many finished orders already in ORDERS, per count (none by default;
    /// the prefill of a million orders takes minutes, see bench/README.md).
    /// </summary>
    public IReadOnlyList<int> Growth { get; private set; } = [];

    public string? OutputDirectory { get; private set; }

    /// <summary>Raw relay: wait for the server to confirm every ack, as the host's consumers do by default.</summary>
    public bool RawDoubleAck { get; private set; }

    /// <summary>Parts the raw-guarded relay leaves out, to measure what each costs (none by default).</summary>
    public GuardedParts GuardedWithout { get; private set; }

    /// <summary>Run the shipped host (OrderHost.dll) as a child process instead of inside the benchmark process.</summary>
    public bool HostProcess { get; private set; }

    /// <summary>Orders pushed through each fresh child host before measuring (default with <c>--host-process</c>).</summary>
    public const int ProcessHostWarmup = 20_000;

    /// <summary>With <see cref="HostProcess"/>: the OrderHost.dll to run; null = the host project's build output.</summary>
    public string? HostDll { get; private set; }

    public bool ShowHelp { get; private set; }

    public static string Usage => """
        OrderHost benchmark: raw NATS relay ceiling, the real modules (in-process, or the shipped host as a
        separate process), HTTP, fixed-rate latency, growth of the ledger, durable beside lazy fsync.

        usage: bench/run.sh [options]

          --quick                 small counts (300 orders per scenario, 1 run, one growth row of 1000 stored orders):
                                  proves the harness works (CI)
          --runs N                runs per scenario; the report shows the median (default 3, quick 1)
          --warmup-seconds S      per scenario, repeat discarded runs (at least one) until S seconds are spent
                                  before measuring, so the JIT has tiered up the hot paths (default 20, quick 0,
                                  0 with --host-process: its host is fresh in every run)
          --scenarios a,b,...     any of: raw, raw-guarded, pipeline, http, raw-rates, raw-guarded-rates, rates
                                  (default: all)
          --orders N              orders per run of raw, raw-guarded, pipeline and the growth rows (default 20000)
          --growth N1,N2,...      growth rows: the pipeline with N finished orders (created, paid, notified) already
                                  in ORDERS before the host starts, its consumers past them; reports the prefill
                                  time and nats-server's resident memory (default none; quick 1000). A prefill
                                  longer than 10 minutes fails its row (1,000,000 orders: about a minute on 2 cores
                                  at 1s). No discarded warm-up runs (each would prefill again): run pipeline first
          --http-orders N         orders per run of http (default 5000)
          --rates R1,R2,...       target rates in orders/s for the rates scenario (default 500,1000,2000)
          --rate-orders N         orders per rate, for raw-rates, raw-guarded-rates and rates (default 10000)
          --concurrency N         HTTP workers of the http scenario (default 32)
          --window N              publish acknowledgements in flight per publisher (default 256)
          --warmup N              orders before measuring, per fresh server (default 1000; quick 100;
                                  20000 with --host-process, so the fresh child host has tiered up)
          --timeout SECONDS       completion deadline after the last order was sent (default 120; quick 30)
          --sync-interval V1,V2   nats-server jetstream sync_interval; several run every scenario under each, with
                                  ratios to the raw relay under the same setting: 1s,always puts durable beside
                                  lazy (default 1s; 'default' = server default, 2 min; 'always' = fsync before
                                  every acknowledgement; quick: 1s,always)
          --raw-double-ack        raw relay: double acks (server-confirmed), as the host's consumers use
          --guarded-without a,b   raw-guarded relay: leave out any of read (the leader read), condition (the append's
                                  expected last subject sequence), double-ack, to measure what each costs (the
                                  pipeline always has them all)
          --nats-url URL          use this loopback server instead of starting one per scenario
                                  (no fresh store per run; one sync interval, the server's; no growth rows)
          --nats-server PATH      nats-server binary (default: $NATS_SERVER_BIN, then .tools/, then PATH)
          --host-process          run the host as shipped, in a child process per run (dotnet OrderHost.dll: its runtimeconfig.json
                                  GC settings, appsettings.json logging, output drained and discarded) instead of in-process; the
                                  report adds the host process's own CPU and peak working set
          --host-dll PATH         with --host-process: the OrderHost.dll to run (default: src/Host/bin/<configuration>/
                                  <framework>/, built with the benchmark)
          --out DIR               where the JSON and Markdown go (default: bench/results)
          -h, --help              this text
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        if (args.Contains("--quick"))
        {
            o.Quick = true;
            o.Runs = 1;
            o.WarmupTime = TimeSpan.Zero;
            o.Orders = 300;

            // Both settings, so that CI runs the durable one (fsync before every acknowledgement) too.
            o.SyncIntervals = ["1s", "always"];
            o.Growth = [1_000];
            o.HttpOrders = 300;
            o.RateOrders = 300;
            o.Warmup = 100;
            o.CompletionTimeout = TimeSpan.FromSeconds(30);
        }

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--quick":
                    break;
                case "--raw-double-ack":
                    o.RawDoubleAck = true;
                    break;
                case "--guarded-without":
                    o.GuardedWithout = ParseGuardedParts(Value(args, ref i));
                    break;
                case "--host-process":
                    o.HostProcess = true;
                    break;
                case "--host-dll":
                    o.HostDll = Value(args, ref i);
                    break;
                case "-h" or "--help":
                    o.ShowHelp = true;
                    break;
                case "--runs":
                    o.Runs = PositiveInt(args, ref i);
                    break;
                case "--warmup-seconds":
                    o.WarmupTime = int.TryParse(Value(args, ref i), NumberStyles.None, CultureInfo.InvariantCulture, out var ws)
                        ? TimeSpan.FromSeconds(ws)
                        : throw new ArgumentException("--warmup-seconds needs a whole number (0 or more).");
                    break;
                case "--scenarios":
                    o.Scenarios = ParseScenarios(Value(args, ref i));
                    break;
                case "--orders":
                    o.Orders = PositiveInt(args, ref i);
                    break;
                case "--growth":
                    o.Growth = [.. Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => ParsePositive(n, arg))];
                    break;
                case "--http-orders":
                    o.HttpOrders = PositiveInt(args, ref i);
                    break;
                case "--rate-orders":
                    o.RateOrders = PositiveInt(args, ref i);
                    break;
                case "--rates":
                    o.Rates = [.. Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => ParsePositive(r, arg))];
                    break;
                case "--concurrency":
                    o.Concurrency = PositiveInt(args, ref i);
                    break;
                case "--window":
                    o.Window = PositiveInt(args, ref i);
                    break;
                case "--warmup":
                    o.Warmup = int.TryParse(Value(args, ref i), NumberStyles.None, CultureInfo.InvariantCulture, out var w)
                        ? w
                        : throw new ArgumentException("--warmup needs a whole number (0 or more).");
                    break;
                case "--timeout":
                    o.CompletionTimeout = TimeSpan.FromSeconds(PositiveInt(args, ref i));
                    break;
                case "--sync-interval":
                    o.SyncIntervals = [.. Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(v => v.Equals("default", StringComparison.OrdinalIgnoreCase) ? null : ValidateSyncInterval(v))
                        .Distinct()];
                    break;
                case "--nats-url":
                    o.NatsUrl = ValidateLoopbackUrl(Value(args, ref i));
                    break;
                case "--nats-server":
                    o.NatsServerPath = Value(args, ref i);
                    break;
                case "--out":
                    o.OutputDirectory = Value(args, ref i);
                    break;
                default:
                    throw new ArgumentException($"Unknown option '{arg}'. Try --help.");
            }
        }

        if (o.HostDll is not null && !o.HostProcess)
        {
            throw new ArgumentException("--host-dll goes with --host-process.");
        }

        if (o.SyncIntervals.Count == 0)
        {
            throw new ArgumentException("--sync-interval needs at least one value.");
        }

        // An external server has one store and one fsync setting, and its stream cannot be prefilled afresh.
        if (o.NatsUrl is not null)
        {
            o.SyncIntervals = [o.SyncIntervals[0]];
            o.Growth = [];
        }

        // A child host is fresh in every run, so discarded runs warm nothing that is measured: instead each
        // run pushes enough orders through its own host first for the JIT to tier up (unless told otherwise).
        if (o.HostProcess && !o.Quick)
        {
            o.Warmup = args.Contains("--warmup") ? o.Warmup : ProcessHostWarmup;
            o.WarmupTime = args.Contains("--warmup-seconds") ? o.WarmupTime : TimeSpan.Zero;
        }

        return o;
    }

    private static string[] ParseScenarios(string value)
    {
        var names = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Where(n => !AllScenarios.Contains(n, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0 || names.Length == 0)
        {
            throw new ArgumentException($"Unknown scenario(s) '{string.Join(',', unknown)}'; choose from {string.Join(',', AllScenarios)}.");
        }

        // Keep the canonical order: raw first, so the ratios have their reference.
        return [.. AllScenarios.Where(names.Contains)];
    }

    /// <summary>The option's names of <paramref name="parts"/>, for the report.</summary>
    public static IReadOnlyList<string> GuardedPartNames(GuardedParts parts)
        => [.. GuardedPartsByName.Where(p => parts.HasFlag(p.Part)).Select(p => p.Name)];

    private static readonly (string Name, GuardedParts Part)[] GuardedPartsByName =
        [("read", GuardedParts.Read), ("condition", GuardedParts.Condition), ("double-ack", GuardedParts.DoubleAck)];

    private static GuardedParts ParseGuardedParts(string value)
    {
        var parts = GuardedParts.None;
        foreach (var name in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var known = GuardedPartsByName.FirstOrDefault(p => p.Name == name);
            parts |= known.Name is not null
                ? known.Part
                : throw new ArgumentException($"--guarded-without '{name}': choose from {string.Join(", ", GuardedPartsByName.Select(p => p.Name))}.");
        }

        return parts;
    }

    private static string ValidateSyncInterval(string value)
        => value == "always" || (value.Length > 1 && char.IsAsciiDigit(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '.'))
            ? value
            : throw new ArgumentException($"--sync-interval '{value}' is not a duration like 1s, 500ms, 2m, or 'always' / 'default'.");

    /// <summary>Load goes to this machine only: the URL must name a loopback address.</summary>
    private static string ValidateLoopbackUrl(string value)
    {
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var text = part.Contains("://", StringComparison.Ordinal) ? part : "nats://" + part;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || !uri.IsLoopback)
            {
                throw new ArgumentException($"--nats-url '{part}' is not a loopback address (127.0.0.0/8, localhost, [::1]); the benchmark sends load to this machine only.");
            }
        }

        return value;
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
        => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");

    private static int PositiveInt(IReadOnlyList<string> args, ref int i)
    {
        var name = args[i];
        return ParsePositive(Value(args, ref i), name);
    }

    private static int ParsePositive(string value, string name)
        => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} needs a positive whole number, not '{value}'.");
}

internal static class ScenarioNames
{
    public const string Raw = "raw";
    public const string RawGuarded = "raw-guarded";
    public const string Pipeline = "pipeline";
    public const string Http = "http";
    public const string Rates = "rates";
    public const string RawRates = "raw-rates";
    public const string RawGuardedRates = "raw-guarded-rates";

    /// <summary>Rows <c>growth@N</c>: the pipeline over a ledger already holding N orders (<c>--growth</c>).</summary>
    public const string Growth = "growth";
}
