using System.Diagnostics;
using NATS.Client.Core;
using NATS.Client.JetStream.Models;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Publishing;

namespace OrderHost.Tests.Unit;

/// <summary>
/// When an unanswered publish is sent again: at once when the connection moves, after the attempt timeout
/// otherwise, after a "no responders"; never past the total time or the caller's cancellation.
/// </summary>
[TestFixture]
public sealed class PublishRetryTests
{
    private static readonly PubAckResponse Stored = new() { Stream = "ORDERS", Seq = 7 };

    [Test]
    public async Task A_move_to_another_server_sends_the_publish_again_at_once()
    {
        var reconnects = new ReconnectSignal();
        var retry = new PublishRetry(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1), reconnects, TimeProvider.System);
        var attempts = 0;
        var clock = Stopwatch.StartNew();

        var publishing = retry.RunAsync(
            async ct =>
            {
                if (Interlocked.Increment(ref attempts) == 1)
                {
                    reconnects.Reconnected();
                    await Task.Delay(Timeout.Infinite, ct);
                }

                return Stored;
            },
            CancellationToken.None);

        Assert.That(await publishing.WaitAsync(TimeSpan.FromSeconds(10)), Is.SameAs(Stored));
        Assert.That(attempts, Is.EqualTo(2));
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "not after the one-minute attempt timeout");
    }

    [Test]
    public async Task An_attempt_unanswered_within_its_timeout_is_sent_again()
    {
        var retry = new PublishRetry(TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), new ReconnectSignal(), TimeProvider.System);
        var attempts = 0;

        var ack = await retry.RunAsync(
            async ct =>
            {
                if (Interlocked.Increment(ref attempts) < 3)
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }

                return Stored;
            },
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(ack, Is.SameAs(Stored));
        Assert.That(attempts, Is.EqualTo(3));
    }

    [Test]
    public async Task No_responders_is_tried_again()
    {
        var retry = new PublishRetry(TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), null, TimeProvider.System);
        var attempts = 0;

        var ack = await retry.RunAsync(
            async _ =>
            {
                await Task.Yield();
                return Interlocked.Increment(ref attempts) == 1 ? throw new NatsNoRespondersException() : Stored;
            },
            CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That(ack, Is.SameAs(Stored));
        Assert.That(attempts, Is.EqualTo(2));
    }

    [Test]
    public void Past_the_total_time_it_gives_up_with_a_timeout()
    {
        var retry = new PublishRetry(TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(300), null, TimeProvider.System);

        Assert.That(
            async () => await retry.RunAsync(async ct => { await Task.Delay(Timeout.Infinite, ct); return Stored; }, CancellationToken.None),
            Throws.TypeOf<TimeoutException>());
    }

    [Test]
    public void The_callers_cancellation_ends_it_as_a_cancellation()
    {
        var retry = new PublishRetry(TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(1), null, TimeProvider.System);
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        Assert.That(
            async () => await retry.RunAsync(async ct => { await Task.Delay(Timeout.Infinite, ct); return Stored; }, caller.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }
}
