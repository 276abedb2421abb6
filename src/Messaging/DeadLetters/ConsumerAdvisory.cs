using System.Text.Json.Serialization;

namespace OrderHost.Messaging.DeadLetters;

/// <summary>The fields OrderHost reads from JetStream's MAX_DELIVERIES and MSG_TERMINATED advisories.</summary>
internal sealed record ConsumerAdvisory(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("stream")] string Stream,
    [property: JsonPropertyName("consumer")] string Consumer,
    [property: JsonPropertyName("stream_seq")] ulong StreamSequence,
    [property: JsonPropertyName("deliveries")] ulong Deliveries,
    [property: JsonPropertyName("reason")] string? Reason)
{
    public const string MaxDeliverType = "io.nats.jetstream.advisory.v1.max_deliver";

    public bool IsMaxDeliver => Type == MaxDeliverType;
}

[JsonSerializable(typeof(ConsumerAdvisory))]
internal sealed partial class AdvisoryJsonContext : JsonSerializerContext;
