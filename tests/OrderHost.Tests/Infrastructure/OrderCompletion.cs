using System.Collections.Concurrent;

namespace OrderHost.Tests.Infrastructure;

/// <summary>Waits until many orders are completed (paid or failed, and notified) as GET /orders/{id} shows them.</summary>
public static class OrderCompletion
{
    private const int ReadParallelism = 8;

    /// <summary>
    /// First waits (cheaply, on the broker) until at least as many orders.notified messages exist as
    /// <paramref name="expectedNotifiedAtLeast"/>, then polls GET for every order still not completed.
    /// Returns the final states.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, OrderState>> WaitAllAsync(
        OrderApiClient api, BrokerProbe broker, IReadOnlyCollection<Guid> orderIds, TimeSpan timeout, ulong expectedNotifiedAtLeast = 0)
    {
        var deadline = DateTime.UtcNow + timeout;
        if (expectedNotifiedAtLeast > 0)
        {
            await Eventually.Until(
                () => broker.CountAsync(PipelineAudit.Notified),
                n => n >= expectedNotifiedAtLeast,
                $"at least {expectedNotifiedAtLeast} orders.notified messages in the stream",
                timeout);
        }

        var completed = new ConcurrentDictionary<Guid, OrderState>();
        var last = new ConcurrentDictionary<Guid, string>();
        await Eventually.Until(
            async () =>
            {
                var waiting = orderIds.Where(id => !completed.ContainsKey(id)).ToList();
                await Parallel.ForEachAsync(waiting, new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism }, async (orderId, ct) =>
                {
                    try
                    {
                        var state = await api.FindOrderAsync(orderId, ct);
                        if (state is { IsCompleted: true })
                        {
                            completed[orderId] = state;
                            last.TryRemove(orderId, out _);
                        }
                        else
                        {
                            last[orderId] = state?.ToString() ?? $"order {orderId}: 404";
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
                    {
                        last[orderId] = $"order {orderId}: {ex.Message}";
                    }
                });
                var remaining = orderIds.Count - completed.Count;
                return $"{remaining} of {orderIds.Count} not completed, e.g. {string.Join(" | ", last.Values.Take(3))}";
            },
            _ => completed.Count == orderIds.Count,
            "every order to be completed (paid or payment_failed, and notified)",
            deadline - DateTime.UtcNow is var left && left > TimeSpan.FromSeconds(5) ? left : TimeSpan.FromSeconds(5));
        return completed;
    }
}
