using System.Diagnostics;
using System.Net;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Cluster;

/// <summary>One POST /orders of the load: when it was sent and answered (on the test's clock) and what came back.</summary>
internal sealed record LoadAttempt(TimeSpan Sent, TimeSpan Answered, HttpStatusCode? Status, Guid? OrderId, string? Error)
{
    public bool IsAccepted => Status == HttpStatusCode.Accepted && OrderId is not null;
}

/// <summary>
/// Posts orders of one customer continuously from a fixed number of workers (bounded parallelism), each
/// at most one order per <c>pace</c>, and records every attempt. The pace keeps the load below what the
/// host processes, so a backlog does not hide how long a failover takes. A worker finishes the request
/// it is in when the load stops: nothing is cancelled mid-flight, so every attempt has a definite
/// answer or a transport error.
/// </summary>
internal sealed class OrderLoad : IAsyncDisposable
{
    private readonly OrderApiClient _api;
    private readonly string _customerId;
    private readonly Stopwatch _clock;
    private readonly List<LoadAttempt> _attempts = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _pace;
    private readonly Task[] _workers;

    private OrderLoad(OrderApiClient api, string customerId, Stopwatch clock, int workers, TimeSpan pace)
    {
        _api = api;
        _customerId = customerId;
        _clock = clock;
        _pace = pace;
        _workers = [.. Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync))];
    }

    public static OrderLoad Start(OrderApiClient api, string customerId, Stopwatch clock, int workers, TimeSpan pace)
        => new(api, customerId, clock, workers, pace);

    public IReadOnlyList<LoadAttempt> Snapshot()
    {
        lock (_attempts)
        {
            return [.. _attempts];
        }
    }

    /// <summary>Waits (polling, with a deadline) until the attempts so far satisfy <paramref name="condition"/>.</summary>
    public Task WaitUntilAsync(Func<IReadOnlyList<LoadAttempt>, bool> condition, string description, TimeSpan timeout)
        => Eventually.Until(
            () => Task.FromResult(Snapshot()),
            condition,
            description,
            timeout);

    /// <summary>Lets each worker finish its current request, then returns every attempt.</summary>
    public async Task<IReadOnlyList<LoadAttempt>> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        return Snapshot();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WorkAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var sent = _clock.Elapsed;
            LoadAttempt attempt;
            try
            {
                var response = await _api.PostOrderAsync(OrderBodies.Paid(_customerId));
                attempt = new LoadAttempt(
                    sent,
                    _clock.Elapsed,
                    response.Status,
                    response.Status == HttpStatusCode.Accepted ? OrderApiClient.OrderIdOf(response) : null,
                    response.Status == HttpStatusCode.Accepted ? null : response.ToString());
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                attempt = new LoadAttempt(sent, _clock.Elapsed, null, null, $"{ex.GetType().Name}: {ex.Message}");
            }

            lock (_attempts)
            {
                _attempts.Add(attempt);
            }

            var next = sent + _pace - _clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(next, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
