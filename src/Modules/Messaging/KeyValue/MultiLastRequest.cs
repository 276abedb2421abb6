using System.Buffers;
using System.Text.Json;

namespace OrderHost.Messaging.KeyValue;

/// <summary>The body of a batched direct get: the last message of each key's subject, <c>{"multi_last":[…],"batch":n}</c>.</summary>
internal sealed class MultiLastRequest : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;

    public MultiLastRequest() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>Writes the body into a buffer reused by the next call.</summary>
    public ReadOnlyMemory<byte> Write(string subjectPrefix, IReadOnlyCollection<string> keys)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteStartArray("multi_last"u8);
        foreach (var key in keys)
        {
            _writer.WriteStringValue(subjectPrefix + key);
        }

        _writer.WriteEndArray();
        _writer.WriteNumber("batch"u8, keys.Count);
        _writer.WriteEndObject();
        _writer.Flush();
        return _buffer.WrittenMemory;
    }

    public void Dispose() => _writer.Dispose();
}
