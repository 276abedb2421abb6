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
/// Stopping ends the scheduling of new POSTs; those in flight finish and are recorded, so every attempt has a
/// definite answer or a transport error. With a <see cref="Pace"/> the load stays below what the host processes,
/// so a backlog does not hide how long a failover takes.
/// </summary>
public sealed class OrderLoad(OrderApiClient api, int parallelism) : IAsyncDisposable
{
    private readonly ConcurrentQueue<LoadAttempt> _attempts = new();
    private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
    private CancellationTokenSource? _stop;
    private Task? _run;
    private int _accepted;

    /// <summary>Which orders fail payment; by default every tenth.</summary>
    public Func<int, bool> FailsPayment { get; init; } = i => i % 10 == 9;

    /// <summary>The customer of every order, to find them by; by default each order has a customer of its own.</summary>
    public string? CustomerId { get; init; }

    /// <summary>The least time between the starts of two POSTs of one worker; zero: back to back.</summary>
    public TimeSpan Pace { get; init; }

    /// <summary>What the attempts are stamped with: a test's own clock, when it times other things beside the load; started by the run.</summary>
    public Stopwatch Clock { get; init; } = new();

    public IReadOnlyList<LoadAttempt> Attempts => [.. _attempts.OrderBy(a => a.Index)];

    public IReadOnlyList<LoadAttempt> AcceptedAttempts => [.. Attempts.Where(a => a.Accepted)];

    public int AcceptedCount => Volatile.Read(ref _accepted);

    /// <summary>Time since the run started, on the clock the attempts are stamped with.</summary>
    public TimeSpan Now => Clock.Elapsed;

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

    /// <summary>Waits (polling, with a deadline) until the attempts so far satisfy <paramref name="condition"/>.</summary>
    public Task WaitUntilAsync(Func<IReadOnlyList<LoadAttempt>, bool> condition, string description, TimeSpan timeout)
        => Eventually.Until(() => Task.FromResult(Attempts), condition, description, timeout);

    /// <summary>Runs in the background until <see cref="StopAsync"/>.</summary>
    public OrderLoad Start()
    {
        _stop = new CancellationTokenSource();
        _run = RunAsync(int.MaxValue, _stop.Token);
        return this;
    }

    /// <summary>Stops a started load: the POSTs in flight finish; then every attempt.</summary>
    public async Task<IReadOnlyList<LoadAttempt>> StopAsync()
    {
        if (_stop is not null && _run is not null)
        {
            await _stop.CancelAsync();
            await _run;
        }

        return Attempts;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop?.Dispose();
    }

    /// <summary>Posts up to <paramref name="maxOrders"/> orders, or fewer when <paramref name="stop"/> is cancelled first.</summary>
    public async Task RunAsync(int maxOrders, CancellationToken stop = default)
    {
        Clock.Start();
        try
        {
            // The token only ends the scheduling: a POST in flight is not cancelled, its answer is recorded.
            await Parallel.ForEachAsync(
                Enumerable.Range(0, maxOrders),
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = stop },
                async (index, token) => await PostOneAsync(index, token));
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

    private async Task PostOneAsync(int index, CancellationToken stop)
    {
        var customerId = CustomerId ?? $"load-{index}-{Guid.NewGuid():N}";
        var fails = FailsPayment(index);
        JsonObject body = fails ? OrderBodies.OverApprovalLimit(customerId) : OrderBodies.Paid(customerId);
        var startedAt = Clock.Elapsed;
        try
        {
            // Not cancelled by a stop: its answer is recorded.
            var response = await api.PostOrderAsync(body, cancellationToken: CancellationToken.None);
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
            _attempts.Enqueue(new LoadAttempt(index, customerId, fails, startedAt, Clock.Elapsed - startedAt, null, null, $"{ex.GetType().Name}: {ex.Message}"));
        }

        if (startedAt + Pace - Clock.Elapsed is { Ticks: > 0 } rest)
        {
            await Task.Delay(rest, stop);
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
