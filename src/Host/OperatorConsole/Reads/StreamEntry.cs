namespace OrderHost.Host.OperatorConsole.Reads;

/// <summary>One stream message as the console shows it: where and when it was stored, its headers and (unless headers only) its body.</summary>
internal sealed record StreamEntry(
    string Subject,
    ulong Sequence,
    DateTimeOffset StoredAt,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Data)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}
