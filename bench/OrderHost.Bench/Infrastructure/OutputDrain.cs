using System.Text;

namespace OrderHost.Bench.Infrastructure;

/// <summary>
/// Reads a child's stdout or stderr to the end on a background task, so the child never blocks on a full pipe:
/// counts lines and bytes, keeps only the last few KB (for a failure message), discards the rest.
/// Raw bytes, no decoding per line: a host logging per order writes megabytes, and reading them is load-generator CPU.
/// </summary>
internal sealed class OutputDrain
{
    private const int TailBytes = 16 * 1024;

    private readonly byte[] _tail = new byte[TailBytes];
    private int _tailLength;
    private long _bytes;
    private long _lines;

    private OutputDrain(Stream stream) => Completion = Task.Run(() => DrainAsync(stream));

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Done when the child closed the stream (it exited).</summary>
    public Task Completion { get; }

    public static OutputDrain Start(StreamReader reader) => new(reader.BaseStream);

    /// <summary>The last <paramref name="count"/> complete lines kept.</summary>
    public IReadOnlyList<string> LastLines(int count)
    {
        string text;
        bool cut;
        lock (_tail)
        {
            text = Encoding.UTF8.GetString(_tail, 0, _tailLength);
            cut = Bytes > _tailLength;
        }

        if (text.Length == 0)
        {
            return [];
        }

        // The first line may have lost its start to the window; after a final newline the last piece is empty.
        var lines = text.Split('\n');
        var from = cut ? 1 : 0;
        var to = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        return [.. lines[from..Math.Max(from, to)].Select(l => l.TrimEnd('\r')).TakeLast(count)];
    }

    private async Task DrainAsync(Stream stream)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                var chunk = buffer.AsSpan(0, read);
                Interlocked.Add(ref _lines, chunk.Count((byte)'\n'));
                lock (_tail)
                {
                    Keep(chunk);
                    Interlocked.Add(ref _bytes, read);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe went away with the process.
        }
    }

    private void Keep(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length >= TailBytes)
        {
            chunk[^TailBytes..].CopyTo(_tail);
            _tailLength = TailBytes;
            return;
        }

        var kept = Math.Min(_tailLength, TailBytes - chunk.Length);
        _tail.AsSpan(_tailLength - kept, kept).CopyTo(_tail);
        chunk.CopyTo(_tail.AsSpan(kept));
        _tailLength = kept + chunk.Length;
    }
}
