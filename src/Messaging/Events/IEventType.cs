using System.Text.Json.Nodes;

namespace OrderHost.Messaging.Events;

/// <summary>An event type seen without its CLR type: what declarations, permissions and schemas need.</summary>
public interface IEventType
{
    /// <summary>The step's subject; each event is stored on <c>{Subject}.{key}</c>.</summary>
    string Subject { get; }

    int CurrentVersion { get; }

    /// <summary>File name and JSON Schema of every version consumers read, oldest first.</summary>
    IEnumerable<(string FileName, JsonNode Schema)> Schemas();
}
