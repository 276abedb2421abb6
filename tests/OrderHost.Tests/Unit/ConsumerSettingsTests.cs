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
    public void Without_delays_a_nak_redelivers_at_once()
    {
        Assert.That(new ConsumerSettings().NakDelayFor(3), Is.EqualTo(TimeSpan.Zero));
    }
}
