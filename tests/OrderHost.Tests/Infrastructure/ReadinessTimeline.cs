using System.Diagnostics;
using System.Net;

namespace OrderHost.Tests.Infrastructure;

/// <summary>One answer of /health/ready: when it was asked (on the test's clock), whether it said ready, and why not.</summary>
public sealed record ReadinessSample(TimeSpan At, bool Ready, string Detail);

/// <summary>Asks /health/ready every <c>interval</c> until disposed and keeps every answer; a failed call counts as not ready.</summary>
public sealed class ReadinessTimeline : IAsyncDisposable
{
    private readonly List<ReadinessSample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _polling;

    public ReadinessTimeline(OrderApiClient api, Stopwatch clock, TimeSpan interval)
        => _polling = PollAsync(api, clock, interval);

    public IReadOnlyList<ReadinessSample> Samples
    {
        get
        {
            lock (_samples)
            {
                return [.. _samples];
            }
        }
    }

    /// <summary>Answers asked within [<paramref name="from"/>, <paramref name="to"/>].</summary>
    public IReadOnlyList<ReadinessSample> Between(TimeSpan from, TimeSpan to) => [.. Samples.Where(s => s.At >= from && s.At <= to)];

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _polling;
        _stop.Dispose();
    }

    private async Task PollAsync(OrderApiClient api, Stopwatch clock, TimeSpan interval)
    {
        while (!_stop.IsCancellationRequested)
        {
            var at = clock.Elapsed;
            ReadinessSample sample;
            try
            {
                var answer = await api.GetAsync("/health/ready", _stop.Token);
                sample = new ReadinessSample(at, answer.Status == HttpStatusCode.OK, answer.Body);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                sample = new ReadinessSample(at, false, ex.Message);
            }

            lock (_samples)
            {
                _samples.Add(sample);
            }

            try
            {
                await Task.Delay(interval, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
