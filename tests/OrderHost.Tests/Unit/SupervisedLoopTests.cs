using OrderHost.Messaging.Hosting;

namespace OrderHost.Tests.Unit;

/// <summary>The kernel's one supervised loop: what it retries, how long it waits, and when it ends.</summary>
[TestFixture]
public sealed class SupervisedLoopTests
{
    [Test]
    public async Task A_failure_is_reported_and_retried_after_the_back_off_until_the_attempt_finishes()
    {
        var clock = new RecordingTimeProvider();
        var loop = new SupervisedLoop(clock);
        var attempts = 0;
        var reported = new List<TimeSpan>();

        await loop.RunAsync(
            _ => ++attempts < 3 ? throw new InvalidOperationException("down") : Task.FromResult(AttemptEnd.Finished),
            (ex, delay) => reported.Add(delay),
            CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(attempts, Is.EqualTo(3));
            Assert.That(reported, Has.Count.EqualTo(2));
            Assert.That(clock.Waits.Select(w => (int)w.TotalMilliseconds), Is.EqualTo(reported.Select(d => (int)d.TotalMilliseconds)), "it waits what it reported (to the millisecond a delay keeps)");
            Assert.That(reported[0].TotalSeconds, Is.InRange(0.16, 0.24));
            Assert.That(reported[1].TotalSeconds, Is.InRange(0.32, 0.48));
        }
    }

    [Test]
    public async Task Restart_now_does_not_wait_and_restart_after_back_off_does_without_a_failure()
    {
        var clock = new RecordingTimeProvider();
        var ends = new Queue<AttemptEnd>([AttemptEnd.RestartNow, AttemptEnd.RestartNow, AttemptEnd.RestartAfterBackoff, AttemptEnd.Finished]);
        var failures = 0;

        await new SupervisedLoop(clock).RunAsync(_ => Task.FromResult(ends.Dequeue()), (_, _) => failures++, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(ends, Is.Empty, "every attempt ran");
            Assert.That(failures, Is.Zero);
            Assert.That(clock.Waits, Has.Count.EqualTo(1), "one wait, after the attempt that asked for the back-off");
        }
    }

    [Test]
    public async Task An_attempt_that_got_going_starts_the_back_off_again_from_the_shortest_wait()
    {
        var clock = new RecordingTimeProvider();
        var loop = new SupervisedLoop(clock);
        var attempts = 0;

        await loop.RunAsync(
            _ =>
            {
                attempts++;
                if (attempts == 4)
                {
                    return Task.FromResult(AttemptEnd.Finished);
                }

                if (attempts == 3)
                {
                    loop.Healthy();
                }

                throw new InvalidOperationException("down");
            },
            (_, _) => { },
            CancellationToken.None);

        Assert.That(clock.Waits.Select(w => Math.Round(w.TotalSeconds / 0.2)), Is.EqualTo(new double[] { 1, 2, 1 }), "200 ms, 400 ms, then 200 ms again (±20 %)");
    }

    [Test]
    public async Task Stopping_ends_the_loop_without_reporting_the_cancellation_as_a_failure()
    {
        using var stopping = new CancellationTokenSource();
        var failures = 0;

        await new SupervisedLoop(new RecordingTimeProvider()).RunAsync(
            async token =>
            {
                await stopping.CancelAsync();
                token.ThrowIfCancellationRequested();
                return AttemptEnd.RestartNow;
            },
            (_, _) => failures++,
            stopping.Token);

        Assert.That(failures, Is.Zero);
    }

    /// <summary>Fires every timer at once and remembers the waits asked for.</summary>
    private sealed class RecordingTimeProvider : TimeProvider
    {
        public List<TimeSpan> Waits { get; } = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (Waits)
            {
                Waits.Add(dueTime);
            }

            ThreadPool.QueueUserWorkItem(_ => callback(state));
            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
