using System.Text.Json.Nodes;
using OrderHost.Messaging.Events;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Host.ApiDescriptions;

/// <summary>One event as the AsyncAPI document shows it: its step subject, the module that sends it, every version's payload schema.</summary>
internal sealed record PublishedEvent(string Name, string Subject, string Module, int CurrentVersion, IReadOnlyList<(int Version, JsonNode Payload)> Versions)
{
    public static PublishedEvent Of(IEventType type, string module, LedgerDefinition ledger)
    {
        // Schemas lists the versions oldest first, as SupportedVersions does.
        var payloads = type.Schemas(ledger).Select(s => s.Schema).ToList();
        return new PublishedEvent(type.Name, type.Subject, module, type.CurrentVersion, [.. type.SupportedVersions.Zip(payloads)]);
    }

    public string MessageId(int version) => $"{Name}V{version}";
}
