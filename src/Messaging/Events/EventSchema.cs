using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Messaging.Events;

/// <summary>
/// JSON Schemas of every version of an event, generated from the contract types, so services in
/// other languages can consume the subjects. The ledger names what the subject's id token stands for. The checked-in copies in <c>schemas/</c> are
/// compared with these by a test, so code and schema cannot drift apart.
/// </summary>
public static class EventSchema
{
    /// <summary>File name and schema of each version the event type knows, oldest first.</summary>
    public static IEnumerable<(string FileName, JsonNode Schema)> For<TEvent>(EventType<TEvent> type, LedgerDefinition ledger)
        where TEvent : class, IIntegrationEvent
    {
        foreach (var older in type.OlderVersions)
        {
            yield return Describe(type.Subject, older.Version, older.Shape, ledger);
        }

        yield return Describe(type.Subject, type.CurrentVersion, type.JsonTypeInfo, ledger);
    }

    private static (string, JsonNode) Describe(string subject, int version, JsonTypeInfo shape, LedgerDefinition ledger)
    {
        var exporterOptions = new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true };
        var schema = shape.Options.GetJsonSchemaAsNode(shape.Type, exporterOptions).AsObject();
        var described = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = $"https://orderhost.example/schemas/{subject}.v{version}.schema.json",
            ["title"] = $"{subject} version {version}",
            ["description"] = $"Body of a message on the NATS subject '{subject}.{{{ledger.AggregateIdPlaceholder}}}' (one per {ledger.Entity}, the {ledger.Entity}'s id as the last token) with \"version\": {version}.",
        };
        foreach (var (key, value) in schema)
        {
            described[key] = value?.DeepClone();
        }

        // Pin the version so a consumer can tell the shapes apart by validation alone.
        if (described["properties"]?["version"] is JsonObject versionProperty)
        {
            versionProperty["const"] = version;
        }

        return ($"{subject}.v{version}.schema.json", described);
    }
}
