using System.Text.Json;

namespace OrderHost.Tests.Infrastructure;

/// <summary>A message as the stream keeps it: subject, data as text, JSON body (null when it is not JSON) and headers.</summary>
public sealed record StoredMessage(string Subject, string Text, JsonElement? Body, IReadOnlyDictionary<string, string> Headers, ulong Sequence)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public Guid? OrderId => Body is { ValueKind: JsonValueKind.Object } body && body.TryGetProperty("orderId", out var id) && id.TryGetGuid(out var guid)
        ? guid
        : null;

    public override string ToString() => $"#{Sequence} {Subject} [{string.Join(", ", Headers.Select(h => $"{h.Key}={h.Value}"))}] {Body}";
}
