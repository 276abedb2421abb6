using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using OrderHost.Messaging;
using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Host.ApiDescriptions;

/// <summary>
/// The AsyncAPI 3 description of the events, generated from the contracts (subjects, versions, payload schemas:
/// the same as schemas/) and the modules' subscription tables (durable consumers). Served at
/// <c>/asyncapi/v1/asyncapi.json</c>; a copy is kept in schemas/asyncapi.json and a test keeps the two equal.
/// </summary>
internal static class AsyncApiDocument
{
    public const string Path = "/asyncapi/v1/asyncapi.json";
    private const string HeadersSchema = "EventHeaders";
    private const string NatsServer = "local";

    public static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void MapAsyncApiDocument(this WebApplication app)
    {
        var text = new Lazy<string>(() => Build(SubscriptionTables.Events(), SubscriptionTables.All()).ToJsonString(Indented) + "\n");
        app.MapGet(Path, () => Results.Text(text.Value, "application/json")).ExcludeFromDescription();
    }

    public static JsonObject Build(IReadOnlyList<PublishedEvent> events, IReadOnlyList<ConsumerDefinition> consumers)
    {
        var channels = new JsonObject();
        var operations = new JsonObject();
        var messages = new JsonObject();
        foreach (var evt in events)
        {
            var channelId = ChannelId(evt.Subject);
            var channelMessages = new JsonObject();
            foreach (var (version, payload) in evt.Versions)
            {
                var messageId = evt.MessageId(version);
                messages[messageId] = Message(evt, version, payload);
                channelMessages[messageId] = Ref($"#/components/messages/{messageId}");
            }

            channels[channelId] = new JsonObject
            {
                ["address"] = $"{evt.Subject}.{{orderId}}",
                ["title"] = evt.Subject,
                ["description"] = $"{evt.Name} events, one subject per order in stream ORDERS; a consumer of every order subscribes to '{LedgerSubjects.StepFilter(evt.Subject)}'.",
                ["servers"] = new JsonArray(Ref($"#/servers/{NatsServer}")),
                ["parameters"] = new JsonObject { ["orderId"] = new JsonObject { ["description"] = "The order's id, a UUID in canonical form." } },
                ["messages"] = channelMessages,
            };

            operations[$"send{evt.Name}"] = new JsonObject
            {
                ["action"] = "send",
                ["channel"] = Ref($"#/channels/{channelId}"),
                ["summary"] = $"The {evt.Module} module appends {evt.Name} version {evt.CurrentVersion} to the order's history.",
                ["messages"] = new JsonArray(Ref($"#/channels/{channelId}/messages/{evt.MessageId(evt.CurrentVersion)}")),
                ["x-orderhost-module"] = evt.Module,
            };

            foreach (var consumer in consumers.Where(c => c.Subjects.Contains(evt.Subject)))
            {
                operations[$"receive{evt.Name}By{Pascal(consumer.DurableName)}"] = new JsonObject
                {
                    ["action"] = "receive",
                    ["channel"] = Ref($"#/channels/{channelId}"),
                    ["summary"] = $"The {consumer.Module} module's durable pull consumer '{consumer.DurableName}' (explicit ack) reads every version it knows and dead-letters others.",
                    ["messages"] = new JsonArray([.. evt.Versions.Select(v => Ref($"#/channels/{channelId}/messages/{evt.MessageId(v.Version)}"))]),
                    ["bindings"] = new JsonObject { ["nats"] = new JsonObject { ["bindingVersion"] = "0.1.0" } },
                    ["x-orderhost-module"] = consumer.Module,
                    ["x-jetstream-consumer"] = new JsonObject
                    {
                        ["stream"] = "ORDERS",
                        ["durable"] = consumer.DurableName,
                        ["filterSubjects"] = new JsonArray([.. consumer.Filters.Select(f => (JsonNode)f)]),
                        ["ackPolicy"] = "explicit",
                    },
                };
            }
        }

        channels[WebhookDescription.ChannelId] = WebhookDescription.Channel();
        operations[$"send{WebhookDescription.MessageId}"] = WebhookDescription.SendOperation();
        messages[WebhookDescription.MessageId] = WebhookDescription.Message();

        return new JsonObject
        {
            ["asyncapi"] = "3.0.0",
            ["info"] = new JsonObject
            {
                ["title"] = "OrderHost events",
                ["version"] = "1",
                ["description"] = "The events of every order, stored in the JetStream stream ORDERS (subjects orders.>), one subject per order and step. "
                    + "Every body is JSON with \"version\" and \"orderId\"; a consumer reads every version it knows. "
                    + "The Notifications module also POSTs each notification to a configured HTTP receiver (channel notificationWebhook).",
            },
            ["defaultContentType"] = "application/json",
            ["servers"] = new JsonObject
            {
                [NatsServer] = new JsonObject { ["host"] = "127.0.0.1:4222", ["protocol"] = "nats", ["description"] = "The NATS server of scripts/run.sh (JetStream on)." },
                [WebhookDescription.ServerId] = WebhookDescription.Server(),
            },
            ["channels"] = channels,
            ["operations"] = operations,
            ["components"] = new JsonObject
            {
                ["messages"] = messages,
                ["schemas"] = new JsonObject { [HeadersSchema] = Headers(), [WebhookDescription.HeadersSchemaId] = WebhookDescription.Headers() },
            },
        };
    }

    private static JsonObject Message(PublishedEvent evt, int version, JsonNode payload) => new()
    {
        ["name"] = evt.Name,
        ["title"] = $"{evt.Name} version {version}",
        ["contentType"] = "application/json",
        ["headers"] = Ref($"#/components/schemas/{HeadersSchema}"),
        ["payload"] = payload.DeepClone(),
        ["correlationId"] = new JsonObject { ["location"] = $"$message.header#/{MessageHeaders.CorrelationId}" },
    };

    private static JsonObject Headers() => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray(MessageHeaders.MessageId, MessageHeaders.CorrelationId),
        ["properties"] = new JsonObject
        {
            [MessageHeaders.MessageId] = Text("Deterministic from the order and the step, '{orderId}:{step}': JetStream drops a repeat within the duplicate window."),
            [MessageHeaders.CorrelationId] = Text("Carried from the order's X-Correlation-Id request header; the order id when none was given."),
            [MessageHeaders.TraceParent] = Text("W3C trace context of the span that published the event."),
            [MessageHeaders.TraceState] = Text("W3C trace state, when there is one."),
            ["Nats-Expected-Last-Subject-Sequence"] = Text("Conditional append: the stream sequence of the event this one follows (0 for the first)."),
            ["Nats-Expected-Last-Subject-Sequence-Subject"] = Text("The order's filter 'orders.*.{orderId}' the condition applies to."),
        },
    };

    internal static JsonObject Text(string description) => new() { ["type"] = "string", ["description"] = description };

    internal static JsonObject Ref(string pointer) => new() { ["$ref"] = pointer };

    // "orders.payment_failed" -> "orders-payment_failed": channel ids may not contain dots.
    private static string ChannelId(string subject) => subject.Replace('.', '-');

    private static string Pascal(string name) => string.Concat(name.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}
