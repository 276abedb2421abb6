using System.Collections.Concurrent;
using System.Net;
using OrderHost.Notifications.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>
/// Stopping a host under load settles every message it took (nothing left unacknowledged for the
/// server to redeliver after AckWait); the next host finishes the rest, telling each customer once.
/// </summary>
[TestFixture]
public sealed class GracefulShutdownTests : NatsServerFixture
{
    private const int Orders = 200;
    private const int StopAfterAccepted = 100;
    private static readonly TimeSpan Completion = TimeSpan.FromSeconds(60);

    // A slow channel keeps notifications in flight when the stop comes.
    private readonly CountingNotificationSender _sender = new(TimeSpan.FromMilliseconds(20));

    [Test]
    public async Task Stopping_the_host_under_load_leaves_nothing_unacked_and_the_next_host_notifies_every_order_once()
    {
        var first = await RunningOrderHost.StartAsync(Server, configure: TestServices.With(sender: _sender));
        var accepted = new ConcurrentQueue<Guid>();
        var halfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var posting = PostOrdersAsync(first.Api, accepted, halfway);

        await Task.WhenAny(halfway.Task, posting);
        await first.StopAsync();
        await posting;
        await first.DisposeAsync();
        TestContext.Out.WriteLine($"accepted {accepted.Count}, notified before the stop finished {_sender.Snapshot().Count}");
        Assert.That(accepted, Has.Count.GreaterThanOrEqualTo(StopAfterAccepted), "orders accepted before the stop");

        // AckWait is 30 s: a message the stopping host left unsettled would still be pending here.
        var consumers = await Eventually.Until(
            () => Broker.ListConsumerLoadsAsync(),
            list => list.Count == 3 && list.All(c => c.AckPending == 0),
            "every consumer of ORDERS to have nothing pending acknowledgement",
            TimeSpan.FromSeconds(3));
        TestContext.Out.WriteLine(string.Join("\n", consumers));

        await using var second = await RunningOrderHost.StartAsync(Server, configure: TestServices.With(sender: _sender));
        await WaitUntilAllCompletedAsync(second.Api, accepted);

        var notifiedEvents = await Broker.CountByOrderAsync(NotificationEvents.Notified.Subject);
        var sent = _sender.Snapshot();
        using (Assert.EnterMultipleScope())
        {
            foreach (var orderId in accepted)
            {
                Assert.That(notifiedEvents.GetValueOrDefault(orderId), Is.EqualTo(1), $"orders.notified messages of {orderId}");
                Assert.That(sent.GetValueOrDefault(orderId), Is.EqualTo(1), $"notifications sent for {orderId}");
            }

            Assert.That(sent.Where(s => s.Value > 1).Select(s => s.Key), Is.Empty, "orders whose customer was told more than once");
        }
    }

    private static async Task PostOrdersAsync(OrderApiClient api, ConcurrentQueue<Guid> accepted, TaskCompletionSource halfway)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, Orders), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, ct) =>
        {
            try
            {
                var response = await api.PostOrderAsync(OrderBodies.Paid(), cancellationToken: ct);
                if (response.Status == HttpStatusCode.Accepted)
                {
                    accepted.Enqueue(OrderApiClient.OrderIdOf(response));
                    if (accepted.Count >= StopAfterAccepted)
                    {
                        halfway.TrySetResult();
                    }
                }
            }
            catch (HttpRequestException)
            {
                // The host is going away: such an order may or may not exist, and is not counted.
            }
        });
        halfway.TrySetResult();
    }

    private static async Task WaitUntilAllCompletedAsync(OrderApiClient api, IEnumerable<Guid> orderIds)
    {
        var waiting = new HashSet<Guid>(orderIds);
        await Eventually.Until(
            async () =>
            {
                foreach (var orderId in waiting.ToList())
                {
                    if (await api.FindOrderAsync(orderId) is { IsCompleted: true })
                    {
                        waiting.Remove(orderId);
                    }
                }

                return waiting.Count;
            },
            remaining => remaining == 0,
            "every accepted order to be completed (count of those not yet)",
            Completion);
    }
}
