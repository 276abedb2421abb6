using System.Text.Json.Nodes;

namespace OrderHost.Messaging.Events;

/// <summary>An event type seen without its CLR type: what declarations, permissions and schemas need.</summary>
public interface IEventType
{
    /// <summary>The step's subject; each event is stored on <c>{Subject}.{key}</c>.</summary>
    string Subject { get; }

    /// <summary>The contract type's name, e.g. <c>ShipmentCreated</c>.</summary>
    string Name { get; }

    int CurrentVersion { get; }

    /// <summary>Every version consumers read, oldest first.</summary>
    IReadOnlyList<int> SupportedVersions { get; }

    /// <summary>File name and JSON Schema of every version consumers read, oldest first, on <paramref name="ledger"/>'s subjects.</summary>
    IEnumerable<(string FileName, JsonNode Schema)> Schemas(Ledger.LedgerDefinition ledger);
}
