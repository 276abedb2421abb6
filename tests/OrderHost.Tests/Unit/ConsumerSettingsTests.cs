using OrderHost.Messaging.Consuming;

namespace OrderHost.Tests.Unit;

[TestFixture]
public sealed class ConsumerSettingsTests
{
    private static readonly ConsumerSettings Settings = new()
    {
        NakDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)],
    };

    [TestCase(1ul, 1, TestName = "First delivery waits the first delay")]
    [TestCase(2ul, 5, TestName = "Second delivery waits the second delay")]
    [TestCase(3ul, 30, TestName = "Third delivery waits the third delay")]
    [TestCase(4ul, 30, TestName = "Later deliveries repeat the last delay")]
    [TestCase(ulong.MaxValue, 30, TestName = "A huge delivery count repeats the last delay")]
    [TestCase(0ul, 1, TestName = "Delivery count 0 is treated as the first delivery")]
    public void Nak_delay_follows_the_delivery_count(ulong deliveryCount, int expectedSeconds)
    {
        Assert.That(Settings.NakDelayFor(deliveryCount), Is.EqualTo(TimeSpan.FromSeconds(expectedSeconds)));
    }

    [Test]
    public void Without_a_schedule_the_back_off_doubles_from_one_second_with_jitter_up_to_the_cap()
    {
        var settings = new ConsumerSettings { MaxRetryDelay = TimeSpan.FromSeconds(10) };
        var delays = Enumerable.Range(0, 200).Select(_ => settings.NakDelayFor(3)).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(delays, Is.All.InRange(TimeSpan.FromSeconds(3.2), TimeSpan.FromSeconds(4.8)), "third retry: 4 s ± 20 %");
            Assert.That(delays.Distinct().Count(), Is.GreaterThan(1), "jittered");
            Assert.That(settings.NakDelayFor(30), Is.InRange(TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(12)), "capped");
        }
    }
}
