using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Tests.Unit;

/// <summary>When a consume loop counts for readiness: running, answered, and not in a restart loop.</summary>
[TestFixture]
public sealed class ConsumerStatusTests
{
    private static readonly TimeSpan StableAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan StallMemory = TimeSpan.FromSeconds(5);

    private readonly ManualClock _clock = new();

    [Test]
    public void A_loop_running_since_its_start_counts_at_once()
    {
        var status = NewStatus();
        Assert.That(status.Problem(StableAfter, StallMemory), Is.EqualTo("starting"));

        status.MarkRunning();

        Assert.That(status.Problem(StableAfter, StallMemory), Is.Null);
    }

    [Test]
    public void A_loop_that_failed_counts_only_once_it_has_run_long_enough()
    {
        var status = NewStatus();
        status.MarkRunning();
        status.MarkDown("consumer deleted");
        Assert.That(status.Problem(StableAfter, StallMemory), Is.EqualTo("consumer deleted"));

        status.MarkRunning();
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That(status.Problem(StableAfter, StallMemory), Does.StartWith("restarted after \"consumer deleted\""));

        // Failing again before it is stable: never counted as running in between.
        status.MarkDown("consumer deleted");
        status.MarkRunning();
        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.That(status.Problem(StableAfter, StallMemory), Is.Not.Null);

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.That(status.Problem(StableAfter, StallMemory), Is.Null);
    }

    [Test]
    public void A_planned_pause_is_not_a_failure()
    {
        var status = NewStatus();
        status.MarkRunning();
        status.MarkPaused("resuming on the new connection");
        Assert.That(status.Problem(StableAfter, StallMemory), Is.EqualTo("resuming on the new connection"));

        status.MarkRunning();

        Assert.That(status.Problem(StableAfter, StallMemory), Is.Null);
    }

    [Test]
    public void A_stall_counts_while_notices_keep_coming_and_ends_with_a_message_or_silence()
    {
        var status = NewStatus();
        status.MarkRunning();
        status.MarkStalled("no heartbeat");
        _clock.Advance(TimeSpan.FromSeconds(2));
        status.MarkStalled("no heartbeat");
        Assert.That(status.Problem(StableAfter, StallMemory), Is.EqualTo("no heartbeat for 2 s"));

        status.MarkAnswered();
        Assert.That(status.Problem(StableAfter, StallMemory), Is.Null);

        status.MarkStalled("no server answers");
        _clock.Advance(StallMemory);
        Assert.That(status.Problem(StableAfter, StallMemory), Is.Null, "no notice for the whole memory: the pulls are answered again");
    }

    private ConsumerStatus NewStatus() => new("payment-processor", _clock);

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
