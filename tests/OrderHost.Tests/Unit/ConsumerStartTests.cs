using NATS.Client.JetStream.Models;
using OrderHost.Messaging.Consuming;
using OrderHost.Orders.Contracts;

namespace OrderHost.Tests.Unit;

/// <summary>Where a declared consumer starts becomes the durable's deliver policy when it is created.</summary>
[TestFixture]
public sealed class ConsumerStartTests
{
    private static readonly DateTimeOffset Cutover = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [TestCase(ConsumerStart.All, ConsumerConfigDeliverPolicy.All)]
    [TestCase(ConsumerStart.New, ConsumerConfigDeliverPolicy.New)]
    public void Start_becomes_the_deliver_policy(ConsumerStart start, ConsumerConfigDeliverPolicy expected)
    {
        var config = ConsumerConfigFactory.Create(Definition(new ConsumerSettings { Start = start }));

        Assert.That(config.DeliverPolicy, Is.EqualTo(expected));
    }

    [Test]
    public void By_start_time_carries_the_time()
    {
        var config = ConsumerConfigFactory.Create(Definition(new ConsumerSettings { Start = ConsumerStart.ByStartTime, StartTime = Cutover }));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(config.DeliverPolicy, Is.EqualTo(ConsumerConfigDeliverPolicy.ByStartTime));
            Assert.That(config.OptStartTime, Is.EqualTo(Cutover));
        }
    }

    [Test]
    public void A_consumer_that_says_nothing_reads_everything_the_stream_holds()
        => Assert.That(new ConsumerSettings().Start, Is.EqualTo(ConsumerStart.All));

    private static ConsumerDefinition Definition(ConsumerSettings settings)
        => new("Payments", "payment-processor", new Dictionary<string, IMessageRoute> { [OrderEvents.Created.Subject] = new MessageRoute<OrderCreated, IgnoringHandler>(OrderEvents.Created) }, settings);
}
