using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using OrderHost.Host.ApiDescriptions;
using OrderHost.Messaging.Events;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.ApiDescriptions;

/// <summary>
/// The AsyncAPI document of the events: generated from the contracts and subscription tables, kept in
/// schemas/asyncapi.json (scripts/update-schemas.sh after an intended change), served as is, valid for the
/// official @asyncapi/parser, true to the consumers the host creates, and true to every message an
/// end-to-end run stores in ORDERS.
/// </summary>
[TestFixture]
public sealed class AsyncApiDocumentTests() : ServedDocumentFixture(AsyncApiDocument.Path)
{
    private static readonly TimeSpan Completion = TimeSpan.FromSeconds(30);

    protected override bool PostsWebhooks => true;

    protected override IReadOnlyDictionary<string, string?>? HostSettings
        => new Dictionary<string, string?> { ["Notifications:Webhook:Secret"] = "asyncapi-test-secret" };

    [Test]
    public void The_checked_in_copy_is_what_the_contracts_generate_and_what_isServed()
    {
        var path = Path.Combine(RepositoryRoot.Find(), "schemas", "asyncapi.json");
        var generated = AsyncApiDocument.Build(SubscriptionTables.Events(), SubscriptionTables.All());
        if (Environment.GetEnvironmentVariable("UPDATE_SCHEMAS") == "1")
        {
            File.WriteAllText(path, generated.ToJsonString(AsyncApiDocument.Indented) + "\n");
        }

        Assert.That(File.Exists(path), Is.True, "schemas/asyncapi.json is missing: run scripts/update-schemas.sh");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(path)), generated), Is.True, "schemas/asyncapi.json differs from the contracts: run scripts/update-schemas.sh and review the diff");
            Assert.That(JsonNode.DeepEquals(Document, generated), Is.True, "the served document differs from the generated one");
        }
    }

    [Test]
    public async Task The_official_AsyncAPI_parser_finds_no_errors()
    {
        var (exitCode, output) = await NodeValidators.ValidateAsync("asyncapi", await WriteServedAsync("asyncapi"));

        Assert.That(exitCode, Is.Zero, output);
    }

    [Test]
    public void Every_event_version_carries_the_payload_schema_of_schemas_folder()
    {
        var payloads = Document["components"]!["messages"]!.AsObject().Where(m => m.Key != "NotificationWebhook").Select(m => m.Value!["payload"]!).ToList();
        var ledger = OrderLedger.Definition;
        var expected = EventSchema.For(OrderEvents.Created, ledger).Concat(EventSchema.For(PaymentEvents.Succeeded, ledger))
            .Concat(EventSchema.For(PaymentEvents.Failed, ledger)).Concat(EventSchema.For(NotificationEvents.Notified, ledger)).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(payloads, Has.Count.EqualTo(expected.Count));
            foreach (var (fileName, schema) in expected)
            {
                Assert.That(payloads.Any(p => JsonNode.DeepEquals(p, schema)), Is.True, $"no message carries {fileName}");
            }
        }
    }

    [Test]
    public async Task The_receiving_operations_are_the_durable_consumers_the_host_creates()
    {
        var described = Document["operations"]!.AsObject()
            .Where(o => (string?)o.Value!["action"] == "receive")
            .Select(o => (Durable: (string)o.Value!["x-jetstream-consumer"]!["durable"]!, Filter: (string)o.Value!["x-jetstream-consumer"]!["filterSubjects"]![0]!))
            .ToList();
        var onServer = await Broker.ListConsumersAsync();

        Assert.That(
            described.Select(d => $"{d.Durable} {d.Filter}"),
            Is.EquivalentTo(onServer.Select(c => $"{c.Config.Name} {c.Config.FilterSubject ?? string.Join(",", c.Config.FilterSubjects ?? [])}")));
    }

    [Test]
    public async Task Every_message_an_end_to_end_run_stores_in_ORDERS_matches_theDocument()
    {
        var paid = await Host.Api.PlaceOrderAsync(OrderBodies.Paid());
        var failed = await Host.Api.PlaceOrderAsync(OrderBodies.OverApprovalLimit());
        foreach (var orderId in new[] { paid, failed })
        {
            await Host.Api.WaitForOrderAsync(orderId, o => o.IsCompleted, "completed", Completion);
        }

        var channels = Channels();
        var headers = Build(Document["components"]!["schemas"]!["EventHeaders"]!);
        var stored = await Broker.ReadMessagesAsync(">");
        Assert.That(stored.Select(m => m.Subject.Split('.')[1]).Distinct(), Is.SupersetOf(AllSteps), "the run stored every kind of event");

        using (Assert.EnterMultipleScope())
        {
            foreach (var message in stored)
            {
                var channel = channels.FirstOrDefault(c => c.Address.IsMatch(message.Subject));
                Assert.That(channel.Payloads, Is.Not.Null, $"no channel's address matches {message.Subject}");
                if (channel.Payloads is null)
                {
                    continue;
                }

                var body = JsonDocument.Parse(message.Text).RootElement;
                var errors = channel.Payloads.Select(p => Errors(p, body)).ToList();
                Assert.That(errors.Any(e => e.Count == 0), Is.True, $"{message} matches none of its channel's payloads: {string.Join(" | ", errors.SelectMany(e => e))}");
                var headerObject = JsonSerializer.SerializeToElement(message.Headers);
                Assert.That(Errors(headers, headerObject), Is.Empty, $"headers of {message}");
            }
        }
    }

    [Test]
    public async Task Every_webhook_call_matches_the_documented_message()
    {
        var paid = await Host.Api.PlaceOrderAsync(OrderBodies.Paid());
        var failed = await Host.Api.PlaceOrderAsync(OrderBodies.OverApprovalLimit());
        var ids = new[] { $"{paid:D}.paid", $"{failed:D}.failed" };
        await Eventually.True(() => Task.FromResult(ids.All(id => Webhooks.Calls.Any(c => c.Id == id))), "a webhook call for each order", Completion);

        var message = Document["components"]!["messages"]!["NotificationWebhook"]!;
        var payload = Build(message["payload"]!);
        var headers = Build(Document["components"]!["schemas"]!["WebhookHeaders"]!);
        var described = Document["components"]!["schemas"]!["WebhookHeaders"]!["properties"]!.AsObject().Select(p => p.Key);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(described, Is.EquivalentTo(SentHeaders), "the document describes exactly the headers the sender sets");
            foreach (var call in Webhooks.Calls.Where(c => ids.Contains(c.Id)))
            {
                var sent = new JsonObject { ["webhook-id"] = call.Id, ["webhook-timestamp"] = call.Timestamp, ["webhook-signature"] = call.Signature };
                Assert.That(Errors(payload, JsonDocument.Parse(call.Body).RootElement), Is.Empty, $"body of {call.Id}: {call.Body}");
                Assert.That(Errors(headers, JsonSerializer.SerializeToElement(sent)), Is.Empty, $"headers of {call.Id}: {sent.ToJsonString()}");
                Assert.That(call.ContentType, Is.EqualTo((string?)message["contentType"]), $"content type of {call.Id}");
            }
        }
    }

    private static readonly string[] SentHeaders = ["webhook-id", "webhook-timestamp", "webhook-signature"];

    private static readonly string[] AllSteps = ["created", "paid", "payment_failed", "notified"];

    private List<(Regex Address, IReadOnlyList<JsonSchema>? Payloads)> Channels()
    {
        var messages = Document["components"]!["messages"]!;
        return [.. Document["channels"]!.AsObject().Where(c => c.Value!["address"] is not null).Select(c =>
        {
            var address = (string)c.Value!["address"]!;
            var pattern = new Regex("^" + Regex.Escape(address).Replace(@"\{orderId}", "[0-9a-f-]{36}", StringComparison.Ordinal) + "$");
            IReadOnlyList<JsonSchema> payloads = [.. c.Value["messages"]!.AsObject()
                .Select(m => Build(messages[((string)m.Value!["$ref"]!).Split('/')[^1]]!["payload"]!))];
            return (pattern, (IReadOnlyList<JsonSchema>?)payloads);
        })];
    }

    // A registry per schema: the payload schemas carry their own $id, and each is built once per test.
    private static JsonSchema Build(JsonNode schema)
        => JsonSchema.Build(JsonSerializer.SerializeToElement(schema), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    private static List<string> Errors(JsonSchema schema, JsonElement instance)
    {
        var result = schema.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return result.IsValid ? [] : [.. (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))];
    }
}
