using OrderHost.Bench.Infrastructure;

namespace OrderHost.Bench.Measurement;

/// <summary>
/// What a measured phase cost: this process's CPU and allocations, its peak working set, the server's CPU and peak
/// resident set; with a host process (<c>--host-process</c>) also that process's CPU, peak working set and output.
/// </summary>
internal sealed class ResourceMeter : IAsyncDisposable
{
    private readonly NatsServer? _server;
    private readonly OutOfProcessHost? _host;
    private readonly TimeSpan _cpuStart;
    private readonly TimeSpan _serverCpuStart;
    private readonly TimeSpan _hostCpuStart;
    private readonly (long Lines, long Bytes) _hostOutputStart;
    private readonly long _allocatedStart;
    private readonly int[] _collectionsStart;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _peakWorkingSet;
    private long _hostPeakWorkingSet;
    private long _serverPeakResident;
    private int _peakThreads;
    private ResourceUsage? _result;
    private ServerCounters? _serverStart;
    private readonly (double Busy, double Total)? _machineStart = MachineCpu.Read();
    private readonly long _startedAt = Stopwatch.GetTimestamp();

    private ResourceMeter(NatsServer? server, OutOfProcessHost? host)
    {
        _server = server;
        _host = host;
        _peakWorkingSet = Environment.WorkingSet;
        _hostPeakWorkingSet = host?.WorkingSetBytes() ?? 0;
        _serverPeakResident = server?.ResidentBytes() ?? 0;
        _serverCpuStart = server?.CpuTime ?? TimeSpan.Zero;
        _hostCpuStart = host?.CpuTime ?? TimeSpan.Zero;
        _hostOutputStart = host is null ? default : (host.OutputLines, host.OutputBytes);
        _collectionsStart = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        _allocatedStart = GC.GetTotalAllocatedBytes(precise: true);
        using (var self = Process.GetCurrentProcess())
        {
            _cpuStart = self.TotalProcessorTime;
        }

        _sampler = SampleAsync(_stop.Token);
    }

    /// <summary>Meters this process and, of <paramref name="env"/>, its server and its host process (if the host is one).</summary>
    public static async Task<ResourceMeter> StartAsync(BenchEnvironment env, CancellationToken cancellationToken)
    {
        var serverStart = env.Server is null ? null : await ServerCounters.ReadAsync(env.Server, cancellationToken).ConfigureAwait(false);
        return new ResourceMeter(env.Server, env.Host as OutOfProcessHost) { _serverStart = serverStart };
    }

    public async Task<ResourceUsage> StopAsync()
    {
        if (_result is not null)
        {
            return _result;
        }

        TimeSpan cpu;
        using (var self = Process.GetCurrentProcess())
        {
            cpu = self.TotalProcessorTime - _cpuStart;
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocatedStart;
        var wall = Stopwatch.GetElapsedTime(_startedAt);
        var machineEnd = MachineCpu.Read();
        var serverCpu = _server is null ? (TimeSpan?)null : _server.CpuTime - _serverCpuStart;
        var hostCpu = _host is null ? (TimeSpan?)null : _host.CpuTime - _hostCpuStart;
        var hostOutput = _host is null ? default : (Lines: _host.OutputLines - _hostOutputStart.Lines, Bytes: _host.OutputBytes - _hostOutputStart.Bytes);
        await _stop.CancelAsync().ConfigureAwait(false);
        await _sampler.ConfigureAwait(false);
        Sample();
        var serverEnd = _server is null || _serverStart is null ? null : await ServerCounters.ReadAsync(_server, CancellationToken.None).ConfigureAwait(false);
        var serverTraffic = serverEnd is null
            ? null
            : new ServerCounters(
                serverEnd.InMsgs - _serverStart!.InMsgs,
                serverEnd.OutMsgs - _serverStart.OutMsgs,
                serverEnd.InBytes - _serverStart.InBytes,
                serverEnd.OutBytes - _serverStart.OutBytes);
        _result = new ResourceUsage(
            cpu,
            serverCpu,
            Interlocked.Read(ref _peakWorkingSet),
            Volatile.Read(ref _peakThreads),
            allocated,
            GC.CollectionCount(0) - _collectionsStart[0],
            GC.CollectionCount(1) - _collectionsStart[1],
            GC.CollectionCount(2) - _collectionsStart[2],
            serverTraffic,
            wall,
            _machineStart is { } m0 && machineEnd is { } m1 ? TimeSpan.FromSeconds(m1.Busy - m0.Busy) : null,
            hostCpu is { } h ? new HostProcessUsage(h, Interlocked.Read(ref _hostPeakWorkingSet), hostOutput.Lines, hostOutput.Bytes) : null,
            _server is null ? null : Interlocked.Read(ref _serverPeakResident));
        return _result;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Sample()
    {
        var threads = ThreadPool.ThreadCount;
        if (threads > Volatile.Read(ref _peakThreads))
        {
            Volatile.Write(ref _peakThreads, threads);
        }

        RaisePeak(ref _peakWorkingSet, Environment.WorkingSet);
        if (_host?.WorkingSetBytes() is { } host)
        {
            RaisePeak(ref _hostPeakWorkingSet, host);
        }

        if (_server?.ResidentBytes() is { } server)
        {
            RaisePeak(ref _serverPeakResident, server);
        }
    }

    private static void RaisePeak(ref long peak, long now)
    {
        long seen;
        do
        {
            seen = Interlocked.Read(ref peak);
        }
        while (now > seen && Interlocked.CompareExchange(ref peak, now, seen) != seen);
    }
}

internal sealed record ResourceUsage(
    TimeSpan ProcessCpu,
    TimeSpan? ServerCpu,
    long PeakWorkingSetBytes,
    int PeakThreadPoolThreads,
    long AllocatedBytes,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    ServerCounters? ServerTraffic,
    TimeSpan Wall,
    TimeSpan? MachineBusy,
    HostProcessUsage? Host,
    long? ServerPeakResidentBytes)
{
    /// <summary>
    /// Cores kept busy by everything else on the machine (other processes, unattributed kernel work) while
    /// the phase ran: machine busy time minus this process, the server and the host process, over the wall time.
    /// </summary>
    public double? OtherCores => MachineBusy is { } busy && Wall > TimeSpan.Zero
        ? Math.Max(0, (busy - ProcessCpu - (ServerCpu ?? TimeSpan.Zero) - (Host?.Cpu ?? TimeSpan.Zero)).TotalSeconds / Wall.TotalSeconds)
        : null;

    public double? MachineBusyCores => MachineBusy is { } busy && Wall > TimeSpan.Zero ? busy.TotalSeconds / Wall.TotalSeconds : null;
}

/// <summary>The host process's share of a measured phase (<c>--host-process</c>): CPU, peak resident set (sampled), output written.</summary>
internal sealed record HostProcessUsage(TimeSpan Cpu, long PeakWorkingSetBytes, long OutputLines, long OutputBytes);

/// <summary>Machine-wide CPU time from /proc/stat, in seconds (busy = everything but idle and iowait).</summary>
internal static class MachineCpu
{
    public static (double Busy, double Total)? Read()
    {
        try
        {
            var line = File.ReadLines("/proc/stat").FirstOrDefault(l => l.StartsWith("cpu ", StringComparison.Ordinal));
            if (line is null)
            {
                return null;
            }

            var ticks = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(t => long.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var total = ticks.Sum();
            var idle = ticks[3] + ticks[4];

            // USER_HZ is 100 on Linux.
            return ((total - idle) / 100.0, total / 100.0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
