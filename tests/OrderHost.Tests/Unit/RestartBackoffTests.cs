using OrderHost.Messaging.Hosting;

namespace OrderHost.Tests.Unit;

/// <summary>The supervised loops' one back-off: doubling from 200 ms to 5 s, ±20 %, back to the start after a success.</summary>
[TestFixture]
public sealed class RestartBackoffTests
{
    [Test]
    public void Waits_double_from_200_ms_up_to_5_s_within_the_jitter()
    {
        var backoff = new RestartBackoff(TimeProvider.System);
        double[] plain = [0.2, 0.4, 0.8, 1.6, 3.2, 5, 5, 5];

        foreach (var expected in plain)
        {
            Assert.That(backoff.NextDelay().TotalSeconds, Is.InRange(expected * 0.8, expected * 1.2));
        }
    }

    [Test]
    public void A_success_starts_again_from_the_shortest_wait()
    {
        var backoff = new RestartBackoff(TimeProvider.System);
        for (var i = 0; i < 10; i++)
        {
            backoff.NextDelay();
        }

        backoff.Reset();

        Assert.That(backoff.NextDelay().TotalSeconds, Is.InRange(0.16, 0.24));
    }

    [Test]
    public async Task Stopping_ends_the_wait_with_false()
    {
        var backoff = new RestartBackoff(TimeProvider.System);
        using var stopping = new CancellationTokenSource();
        await stopping.CancelAsync();

        Assert.That(await backoff.WaitAsync(TimeSpan.FromMinutes(1), stopping.Token), Is.False);
    }
}
