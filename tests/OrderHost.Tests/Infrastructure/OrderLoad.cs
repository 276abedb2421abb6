using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace OrderHost.Tests.Infrastructure;

/// <summary>One POST /orders of a load run: when it started (since the run began), how long it took and what it answered.</summary>
public sealed record LoadAttempt(
    int Index,
    string CustomerId,
    bool ExpectPaymentFailure,
    TimeSpan StartedAt,
    TimeSpan Elapsed,
    HttpStatusCode? Status,
    Guid? OrderId,
    string? Error)
{
    public bool Accepted => Status == HttpStatusCode.Accepted;

    public TimeSpan EndedAt => StartedAt + Elapsed;

    public string ExpectedStatus => ExpectPaymentFailure ? "payment_failed" : "paid";

    public override string ToString()
        => $"#{Index} {CustomerId} started {StartedAt.TotalSeconds:0.000} s, took {Elapsed.TotalMilliseconds:0} ms: {(Status is { } s ? $"{(int)s} {s}" : "no answer")} {OrderId} {Error}";
}

/// <summary>
/// Posts orders with bounded parallelism until told to stop (or a maximum is reached) and records every
/// attempt. Every tenth order is over the default approval limit, so both payment outcomes are exercised.
/// Stopping ends the scheduling of new POSTs; those in flight finish and are recorded.
/// </summary>
public sealed class OrderLoad(OrderApiClient api, int parallelism)
{
    private readonly ConcurrentQueue<LoadAttempt> _attempts = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private readonly Stopwatch _clock = new();
    private int _accepted;

    /// <summary>Which orders fail payment; by default every tenth.</summary>
    public Func<int, bool> FailsPayment { get; init; } = i => i % 10 == 9;

    public IReadOnlyList<LoadAttempt> Attempts => [.. _attempts.OrderBy(a => a.Index)];

    public IReadOnlyList<LoadAttempt> AcceptedAttempts => [.. Attempts.Where(a => a.Accepted)];

    public int AcceptedCount => Volatile.Read(ref _accepted);

    /// <summary>Time since the run started, on the clock the attempts are stamped with.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Completes once at least <paramref name="count"/> POSTs were answered 202.</summary>
    public Task WhenAccepted(int count)
    {
        lock (_waiters)
        {
            if (AcceptedCount >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>Posts up to <paramref name="maxOrders"/> orders, or fewer when <paramref name="stop"/> is cancelled first.</summary>
    public async Task RunAsync(int maxOrders, CancellationToken stop = default)
    {
        _clock.Start();
        try
        {
            // The token only ends the scheduling: a POST in flight is not cancelled, its answer is recorded.
            await Parallel.ForEachAsync(
                Enumerable.Range(0, maxOrders),
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = stop },
                async (index, _) => await PostOneAsync(index));
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped on purpose.
        }
        finally
        {
            lock (_waiters)
            {
                foreach (var (_, reached) in _waiters)
                {
                    reached.TrySetException(new InvalidOperationException($"The load ended with {AcceptedCount} orders accepted."));
                }
            }
        }
    }

    private async Task PostOneAsync(int index)
    {
        var customerId = $"load-{index}-{Guid.NewGuid():N}";
        var fails = FailsPayment(index);
        JsonObject body = fails ? OrderBodies.OverApprovalLimit(customerId) : OrderBodies.Paid(customerId);
        var startedAt = _clock.Elapsed;
        try
        {
            var response = await api.PostOrderAsync(body);
            Guid? orderId = response.Status == HttpStatusCode.Accepted ? OrderApiClient.OrderIdOf(response) : null;
            _attempts.Enqueue(new LoadAttempt(
                index, customerId, fails, startedAt, response.Elapsed, response.Status, orderId, response.Status == HttpStatusCode.Accepted ? null : response.Body));
            if (orderId is not null)
            {
                OnAccepted(Interlocked.Increment(ref _accepted));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // No answer (e.g. the host was killed): such an order may or may not exist, and is not counted as accepted.
            _attempts.Enqueue(new LoadAttempt(index, customerId, fails, startedAt, _clock.Elapsed - startedAt, null, null, $"{ex.GetType().Name}: {ex.Message}"));
        }
    }

    private void OnAccepted(int accepted)
    {
        lock (_waiters)
        {
            foreach (var waiter in _waiters.Where(w => accepted >= w.Count).ToList())
            {
                waiter.Reached.TrySetResult();
                _waiters.Remove(waiter);
            }
        }
    }
}
