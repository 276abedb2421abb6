using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using OrderHost.Bench.Scenarios;

namespace OrderHost.Bench;

/// <summary>Command-line settings, parsed by System.CommandLine. Full mode is the default; <c>--quick</c> shrinks every count for CI.</summary>
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

    /// <summary>The options, parsed: <see cref="ParseResult.Action"/> is set for --help and for input the parser refused.</summary>
    public static ParseResult Parse(IReadOnlyList<string> args) => BenchCommandLine.Root.Parse(args);

    /// <summary>The settings of an accepted command line: the defaults of the mode (full or <c>--quick</c>) where an option is not given.</summary>
    public static BenchOptions From(ParseResult parsed)
    {
        var o = new BenchOptions();
        var given = new BenchCommandLine.Values(parsed);
        if (given.Flag(BenchCommandLine.Quick))
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

        o.RawDoubleAck = given.Flag(BenchCommandLine.RawDoubleAck);
        o.GuardedWithout = given.Get(BenchCommandLine.GuardedWithout, GuardedParts.None);
        o.HostProcess = given.Flag(BenchCommandLine.HostProcess);
        o.HostDll = given.Optional(BenchCommandLine.HostDll);
        o.Runs = given.Get(BenchCommandLine.Runs, o.Runs);
        o.WarmupTime = given.Get(BenchCommandLine.WarmupSeconds, o.WarmupTime);
        o.Scenarios = given.Get(BenchCommandLine.Scenarios, o.Scenarios);
        o.Orders = given.Get(BenchCommandLine.Orders, o.Orders);
        o.Growth = given.Get(BenchCommandLine.Growth, o.Growth);
        o.HttpOrders = given.Get(BenchCommandLine.HttpOrders, o.HttpOrders);
        o.RateOrders = given.Get(BenchCommandLine.RateOrders, o.RateOrders);
        o.Rates = given.Get(BenchCommandLine.Rates, o.Rates);
        o.Concurrency = given.Get(BenchCommandLine.Concurrency, o.Concurrency);
        o.Window = given.Get(BenchCommandLine.Window, o.Window);
        o.Warmup = given.Get(BenchCommandLine.Warmup, o.Warmup);
        o.CompletionTimeout = given.Get(BenchCommandLine.Timeout, o.CompletionTimeout);
        o.SyncIntervals = given.Get(BenchCommandLine.SyncIntervals, o.SyncIntervals);
        o.NatsUrl = given.Optional(BenchCommandLine.NatsUrl);
        o.NatsServerPath = given.Optional(BenchCommandLine.NatsServer);
        o.OutputDirectory = given.Optional(BenchCommandLine.Out);

        if (o.HostDll is not null && !o.HostProcess)
        {
            throw new ArgumentException("--host-dll goes with --host-process.");
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
            o.Warmup = given.Has(BenchCommandLine.Warmup) ? o.Warmup : ProcessHostWarmup;
            o.WarmupTime = given.Has(BenchCommandLine.WarmupSeconds) ? o.WarmupTime : TimeSpan.Zero;
        }

        return o;
    }

    internal static string[] ParseScenarios(string value)
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

    internal static GuardedParts ParseGuardedParts(string value)
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

    internal static string ValidateSyncInterval(string value)
        => value == "always" || (value.Length > 1 && char.IsAsciiDigit(value[0]) && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '.'))
            ? value
            : throw new ArgumentException($"--sync-interval '{value}' is not a duration like 1s, 500ms, 2m, or 'always' / 'default'.");

    /// <summary>Load goes to this machine only: the URL must name a loopback address.</summary>
    internal static string ValidateLoopbackUrl(string value)
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
