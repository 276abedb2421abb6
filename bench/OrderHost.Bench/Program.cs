using System.Runtime.InteropServices;
using OrderHost.Bench;
using OrderHost.Bench.Infrastructure;
using OrderHost.Bench.Reporting;
using OrderHost.Bench.Scenarios;

var parsed = BenchOptions.Parse(args);
if (parsed.Action is not null)
{
    // --help, or what the parser refused (printed with the usage).
    return parsed.Invoke() == 0 ? 0 : 2;
}

BenchOptions options;
try
{
    options = BenchOptions.From(parsed);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"bench: {ex.Message}");
    return 2;
}

// Whatever happens, no nats-server or host process of ours outlives this process (ChildProcesses also kills them at exit).
AppDomain.CurrentDomain.UnhandledException += (_, _) => ChildProcesses.KillAll();

using var cancellation = new CancellationTokenSource();
var signals = 0;
void OnSignal(PosixSignalContext context)
{
    if (Interlocked.Increment(ref signals) == 1)
    {
        // First Ctrl-C / SIGTERM: stop gracefully (hosts and servers are stopped by the finally blocks).
        context.Cancel = true;
        Console.Error.WriteLine();
        Console.Error.WriteLine("bench: stopping (again to kill at once)");
        cancellation.Cancel();
    }
    else
    {
        ChildProcesses.KillAll();
    }
}

using var sigint = PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, OnSignal);
var token = cancellation.Token;

var startedAt = DateTimeOffset.UtcNow;
var wall = Stopwatch.StartNew();
var repositoryRoot = RepositoryRoot.TryFind();
var machine = MachineProbe.Describe();

string? binary = null;
string binaryVersion;
string? hostDll = null;
try
{
    if (options.NatsUrl is null)
    {
        binary = NatsServerBinary.Locate(options.NatsServerPath);
        binaryVersion = NatsServerBinary.EnsureSupportedVersion(binary).ToString();
    }
    else
    {
        binaryVersion = "external";
    }

    if (options.HostProcess)
    {
        hostDll = OutOfProcessHost.Locate(options.HostDll, repositoryRoot);
    }
}
catch (InvalidOperationException ex)
{
    await Console.Error.WriteLineAsync($"bench: {ex.Message}");
    return 2;
}

var context = new BenchContext(options, binary, hostDll);
HostProcessInfo? hostProcess = null;
if (hostDll is not null)
{
    var (serverGc, concurrentGc) = OutOfProcessHost.GcSettings(hostDll);
    hostProcess = new HostProcessInfo(
        hostDll,
        serverGc,
        concurrentGc,
        "appsettings.json as shipped (Default: Information); stdout and stderr to pipes, drained and discarded",
        ["alloc_bytes_per_order", "gen0/gen1/gen2", "thread_pool_threads"]);
}
var growthNames = options.Growth.Select(n => FormattableString.Invariant($"{ScenarioNames.Growth}@{n}"));
Console.Error.WriteLine(FormattableString.Invariant(
    $"bench: {(options.Quick ? "quick" : "full")} mode, {options.Runs} run(s) of {string.Join(", ", options.Scenarios.Concat(growthNames))} under sync_interval {string.Join(" and ", options.SyncIntervals.Select(ServerCounters.SyncIntervalLabel))}; {machine.Cores} cores, {machine.Dotnet}, GC {(machine.ServerGc ? "server" : "workstation")}/{(machine.ConcurrentGc ? "concurrent" : "non-concurrent")}"));
Console.Error.WriteLine(binary is null
    ? $"bench: external nats-server at {options.NatsUrl}"
    : $"bench: nats-server {binaryVersion} ({binary}), a fresh one per run on 127.0.0.1");
Console.Error.WriteLine(hostProcess is null
    ? "bench: host in-process (logging at Warning)"
    : $"bench: host as a separate process per run: dotnet {hostProcess.Dll} (GC {(hostProcess.ServerGc ? "server" : "workstation")}, shipped logging, output drained and discarded)");

// Every scenario under each sync interval in turn, raw first, so that each setting has its own reference in this invocation.
var scenarios = new List<IScenario>();
foreach (var syncInterval in options.SyncIntervals)
{
    foreach (var name in options.Scenarios)
    {
        scenarios.Add(name switch
        {
            ScenarioNames.Raw => new RawScenario(context, guarded: false, syncInterval),
            ScenarioNames.RawGuarded => new RawScenario(context, guarded: true, syncInterval),
            ScenarioNames.Pipeline => new PipelineScenario(context, syncInterval, prefill: 0),
            ScenarioNames.Http => new HttpScenario(context, syncInterval),
            ScenarioNames.RawRates => new RawRatesScenario(context, guarded: false, syncInterval),
            ScenarioNames.RawGuardedRates => new RawRatesScenario(context, guarded: true, syncInterval),
            ScenarioNames.Rates => new RatesScenario(context, syncInterval),
            _ => throw new InvalidOperationException($"unknown scenario {name}"),
        });
    }

    scenarios.AddRange(options.Growth.Select(orders => new PipelineScenario(context, syncInterval, orders)));
}

var results = new List<RunResult>();
var failures = new List<string>();
var cancelled = false;
foreach (var scenario in scenarios)
{
    // Discarded runs first, until the warm-up time is spent: the process JIT-compiles and tiers up the hot paths.
    var warmupEnds = Stopwatch.GetTimestamp() + (long)(options.WarmupTime.TotalSeconds * Stopwatch.Frequency);
    for (var warmup = 1; options.WarmupTime > TimeSpan.Zero && scenario.WarmsUpWithDiscardedRuns && !cancelled && (warmup == 1 || Stopwatch.GetTimestamp() < warmupEnds); warmup++)
    {
        cancelled = await RunAsync(scenario, 1 - warmup, discarded: true);
    }

    for (var run = 1; run <= options.Runs && !cancelled; run++)
    {
        cancelled = await RunAsync(scenario, run, discarded: false);
    }

    if (cancelled)
    {
        break;
    }
}

if (cancelled)
{
    failures.Add("cancelled (Ctrl-C / SIGTERM) before every scenario ran");
}

var report = new BenchReport(
    startedAt,
    Math.Round(wall.Elapsed.TotalSeconds, 1),
    args,
    machine,
    new ServerInfo(context.ServerVersion ?? binaryVersion, binary, options.NatsUrl, "file", 1),
    hostProcess is null ? "in-process" : "process",
    hostProcess,
    new BenchSettings(
        options.Quick ? "quick" : "full",
        options.Runs,
        options.WarmupTime.TotalSeconds,
        options.Scenarios,
        options.Orders,
        options.Growth,
        options.HttpOrders,
        options.RateOrders,
        options.Rates,
        options.Concurrency,
        options.Window,
        options.Warmup,
        options.CompletionTimeout.TotalSeconds,
        options.NatsUrl is null ? [.. options.SyncIntervals.Select(ServerCounters.SyncIntervalLabel)] : [BenchEnvironment.ExternalSyncLabel],
        OrderFactory.CreatedPayloadBytes,
        OrderFactory.HttpBodyBytes,
        new RawRelaySettings(RawScenario.StreamName, RawScenario.PullBatch, options.Window, RawScenario.MaxAckPending, options.RawDoubleAck, BenchOptions.GuardedPartNames(options.GuardedWithout), HostSettings.Consumers.DoubleAck)),
    ReportWriter.Summarize(results, options.Runs, options.GuardedWithout == GuardedParts.None),
    failures,
    ReportWriter.Notes(hostProcess is not null, options.Growth.Count > 0));

var outputDirectory = options.OutputDirectory
    ?? (repositoryRoot is null ? Path.Combine(Environment.CurrentDirectory, "bench-results") : Path.Combine(repositoryRoot, "bench", "results"));
var (jsonPath, markdownPath) = await ReportWriter.WriteAsync(report, outputDirectory, CancellationToken.None);

Console.WriteLine();
Console.WriteLine(ReportWriter.Markdown(report, Path.GetFileName(jsonPath)));
Console.WriteLine($"JSON:     {jsonPath}");
Console.WriteLine($"Markdown: {markdownPath}");
Console.WriteLine(FormattableString.Invariant($"Wall time: {wall.Elapsed.TotalSeconds:0.0} s"));

if (cancelled)
{
    return 130;
}

if (failures.Count > 0)
{
    await Console.Error.WriteLineAsync($"bench: {failures.Count} failure(s); exit code 1");
    return 1;
}

return 0;

// One run of one scenario; returns true when the benchmark was cancelled meanwhile.
async Task<bool> RunAsync(IScenario scenario, int run, bool discarded)
{
    Console.Error.WriteLine(discarded
        ? $"bench: {scenario.Name} warm-up run {1 - run} (discarded) …"
        : $"bench: {scenario.Name} run {run}/{options.Runs} …");
    var what = discarded ? $"warm-up run {1 - run}" : $"run {run}";
    try
    {
        var runResults = await scenario.RunAsync(run, token);
        foreach (var result in runResults)
        {
            Console.Error.WriteLine("bench:   " + ReportWriter.Describe(result, discarded ? what : null));
            if (result.Failure is not null)
            {
                failures.Add($"{result.Scenario} {what}: {result.Failure}");
            }
        }

        if (!discarded)
        {
            results.AddRange(runResults);
        }

        return false;
    }
    catch (Exception) when (token.IsCancellationRequested)
    {
        return true;
    }
    catch (Exception ex)
    {
        failures.Add($"{scenario.Name} {what}: {ex.GetType().Name}: {ex.Message}");
        if (!discarded)
        {
            results.Add(new RunResult(scenario.Name, run, scenario.SyncInterval, null, ex.Message));
        }

        Console.Error.WriteLine($"bench:   FAILED: {ex}");
        return false;
    }
}
