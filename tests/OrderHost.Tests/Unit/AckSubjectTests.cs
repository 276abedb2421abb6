using NATS.Client.Core;
using NATS.Client.JetStream;
using OrderHost.Messaging.Consuming;
using OrderHost.Orders.Contracts;

namespace OrderHost.Tests.Unit;

/// <summary>The reply-subject reader agrees with the client's own metadata parser on both subject forms.</summary>
[TestFixture]
public sealed class AckSubjectTests
{
    [TestCase("$JS.ACK.ORDERS.payment-processor.3.1042.977.1764141234123456789.12")]
    [TestCase("$JS.ACK.hub.ACCHASH.ORDERS.notifier-paid.1.7.7.1764141234987654321.0.R4nd0m")]
    [TestCase("$JS.ACK._.ACCHASH.ORDERS.payment-processor.18446744073709551615.2.5.1764141234000000100.3")]
    public void Reads_what_the_client_reads(string replyTo)
    {
        var expected = new NatsJSMsg<byte[]>(new NatsMsg<byte[]>(OrderEvents.Created.Subject, replyTo, 0, null, [], null), null!).Metadata
            ?? throw new InvalidOperationException("the client cannot parse the test subject");

        Assert.That(AckSubject.TryParse(replyTo, out var parsed), Is.True);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(parsed.DeliveryCount, Is.EqualTo(expected.NumDelivered), "delivery count");
            Assert.That(parsed.StreamSequence, Is.EqualTo(expected.Sequence.Stream), "stream sequence");
            Assert.That(parsed.Timestamp, Is.EqualTo(expected.Timestamp).Within(TimeSpan.FromMilliseconds(1)), "timestamp (the client keeps milliseconds, this reader 100 ns ticks)");
        }
    }

    [TestCase(null)]
    [TestCase("_INBOX.abc.1")]
    [TestCase("$JS.ACK.ORDERS.c.x.1.1.1.0")]
    [TestCase("$JS.ACK.ORDERS.c.1.1")]
    public void Refuses_what_is_not_an_ack_subject(string? replyTo)
    {
        Assert.That(AckSubject.TryParse(replyTo, out _), Is.False);
    }
}
