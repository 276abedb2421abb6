using System.Text.Json.Nodes;
using OrderHost.Messaging.Events;
using OrderHost.Orders.Contracts;

namespace OrderHost.Tests.Unit;

[TestFixture]
public sealed class EventCodecTests
{
    private static readonly OrderCreated Sample = new(
        OrderCreated.CurrentVersion,
        Guid.Parse("0199a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d"),
        "c-42",
        [new OrderLine("SKU-1", 2, 19.99m), new OrderLine("SKU-2", 1, 0.02m)],
        40m,
        "EUR",
        new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    [Test]
    public void Encoded_event_decodes_to_the_same_event()
    {
        var decoded = EventCodec.Decode(OrderEvents.Created, EventCodec.Encode(OrderEvents.Created, Sample));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(decoded.Version, Is.EqualTo(Sample.Version));
            Assert.That(decoded.OrderId, Is.EqualTo(Sample.OrderId));
            Assert.That(decoded.CustomerId, Is.EqualTo(Sample.CustomerId));
            Assert.That(decoded.Items, Is.EqualTo(Sample.Items));
            Assert.That(decoded.Total, Is.EqualTo(Sample.Total));
            Assert.That(decoded.Currency, Is.EqualTo(Sample.Currency));
            Assert.That(decoded.AcceptedAt, Is.EqualTo(Sample.AcceptedAt));
        }
    }

    [Test]
    public void Encoded_event_carries_its_version_and_order_id()
    {
        var json = JsonNode.Parse(EventCodec.Encode(OrderEvents.Created, Sample))!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(json["version"]!.GetValue<int>(), Is.EqualTo(OrderCreated.CurrentVersion));
            Assert.That(json["orderId"]!.GetValue<Guid>(), Is.EqualTo(Sample.OrderId));
        }
    }

    [Test]
    public void Version_is_found_after_nested_properties()
    {
        var json = SampleJson();
        json.Remove("version");
        json["version"] = OrderCreated.CurrentVersion;

        Assert.That(EventCodec.Decode(OrderEvents.Created, Bytes(json)).OrderId, Is.EqualTo(Sample.OrderId));
    }

    [Test]
    public void Missing_version_is_an_unsupported_version()
    {
        var json = SampleJson();
        json.Remove("version");

        var error = DecodeError(Bytes(json));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Reason, Is.EqualTo("missing version"));
            Assert.That(error.ReasonCode, Is.EqualTo(DeadLetterReasons.UnsupportedVersion));
        }
    }

    [TestCase(0)]
    [TestCase(3)]
    public void Unknown_version_is_an_unsupported_version(int version)
    {
        var json = SampleJson();
        json["version"] = version;

        var error = DecodeError(Bytes(json));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.Reason, Does.StartWith($"unsupported version {version} "));
            Assert.That(error.ReasonCode, Is.EqualTo(DeadLetterReasons.UnsupportedVersion));
        }
    }

    [TestCase("{\"version\":1,\"orderId\":", TestName = "Truncated JSON is malformed")]
    [TestCase("not json", TestName = "Text that is not JSON is malformed")]
    [TestCase("[1,2]", TestName = "A JSON array is malformed")]
    [TestCase("{\"version\":\"1\"}", TestName = "A version that is a string is malformed")]
    [TestCase("{\"version\":1.5}", TestName = "A version that is not an integer is malformed")]
    public void Malformed_json_is_reported_as_such(string text)
    {
        var error = DecodeError(System.Text.Encoding.UTF8.GetBytes(text));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.ReasonCode, Is.EqualTo(DeadLetterReasons.MalformedJson));
            Assert.That(error.Reason, Does.StartWith("malformed JSON"));
        }
    }

    [Test]
    public void Well_formed_but_invalid_event_is_reported_as_invalid()
    {
        var json = SampleJson();
        json["items"] = new JsonArray();

        Assert.That(DecodeError(Bytes(json)).ReasonCode, Is.EqualTo(DeadLetterReasons.InvalidEvent));
    }

    [Test]
    public void Decode_errors_are_permanent_so_the_message_is_dead_lettered_not_retried()
    {
        Assert.That(DecodeError("{}"u8.ToArray()), Is.InstanceOf<PermanentMessageException>());
    }

    private static JsonObject SampleJson() => JsonNode.Parse(EventCodec.Encode(OrderEvents.Created, Sample))!.AsObject();

    private static byte[] Bytes(JsonNode json) => System.Text.Encoding.UTF8.GetBytes(json.ToJsonString());

    private static EventDecodeException DecodeError(byte[] data)
        => Assert.Throws<EventDecodeException>(() => EventCodec.Decode(OrderEvents.Created, data))!;
}
