using System.Buffers;
using System.Text;

namespace OrderHost.TestSupport;

/// <summary>
/// The last output of a child process (stdout and stderr merged a whole line at a time, in arrival order), kept for
/// failure messages and log assertions, with the bytes and lines written in all. The pipes are read as raw bytes on
/// background tasks, so a chatty child never blocks on a full pipe and costs no decoding per line; only a window of the
/// last <c>capacityBytes</c> is kept.
/// </summary>
public sealed class RecentOutput(int capacityBytes = RecentOutput.DefaultCapacityBytes)
{
    public const int DefaultCapacityBytes = 64 * 1024;

    private readonly byte[] _window = new byte[capacityBytes];
    private readonly List<Task> _drains = [];
    private int _start;
    private int _length;
    private bool _cut;
    private long _bytes;
    private long _lines;

    /// <summary>Bytes written to both streams so far.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Lines written to both streams so far.</summary>
    public long LineCount => Interlocked.Read(ref _lines);

    /// <summary>Done when every attached stream is closed (the child exited) and read to the end.</summary>
    public Task Completion
    {
        get
        {
            lock (_drains)
            {
                return Task.WhenAll(_drains);
            }
        }
    }

    /// <summary>Starts a child process with both of its output streams captured here (untracked: the caller owns it).</summary>
    public Process Start(ProcessStartInfo startInfo)
    {
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        var process = new Process { StartInfo = startInfo };
        process.Start();
        Attach(process);
        return process;
    }

    /// <summary>Reads the redirected stdout and stderr of a started process into this window.</summary>
    public void Attach(Process process)
    {
        Attach(process.StandardOutput.BaseStream);
        Attach(process.StandardError.BaseStream);
    }

    /// <summary>Reads one stream (e.g. only stderr) into this window until it closes.</summary>
    public void Attach(Stream stream)
    {
        lock (_drains)
        {
            _drains.Add(Task.Run(() => DrainAsync(stream)));
        }
    }

    /// <summary>The whole lines still in the window, oldest first.</summary>
    public IReadOnlyList<string> Lines()
    {
        string text;
        bool cut;
        lock (_window)
        {
            var tailLength = Math.Min(_length, _window.Length - _start);
            text = Encoding.UTF8.GetString(_window, _start, tailLength) + Encoding.UTF8.GetString(_window, 0, _length - tailLength);
            cut = _cut;
        }

        if (text.Length == 0)
        {
            return [];
        }

        // The oldest line may have lost its start to the window; after the final newline the last piece is empty.
        var lines = text.Split('\n');
        var from = cut ? 1 : 0;
        var to = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        return [.. lines[from..Math.Max(from, to)].Select(l => l.TrimEnd('\r'))];
    }

    public IReadOnlyList<string> LastLines(int count) => [.. Lines().TakeLast(count)];

    public override string ToString() => string.Join('\n', Lines());

    private async Task DrainAsync(Stream stream)
    {
        var buffer = new byte[16 * 1024];
        var partial = new ArrayBufferWriter<byte>();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                var chunk = buffer.AsSpan(0, read);
                Interlocked.Add(ref _bytes, read);
                Interlocked.Add(ref _lines, chunk.Count((byte)'\n'));
                var lastNewline = chunk.LastIndexOf((byte)'\n');
                if (lastNewline < 0)
                {
                    partial.Write(chunk);
                    if (partial.WrittenCount >= _window.Length)
                    {
                        // A line longer than the window: keep its end rather than grow without bound.
                        Keep(partial.WrittenSpan, []);
                        partial.ResetWrittenCount();
                    }

                    continue;
                }

                // Whole lines only, so that lines of stdout and stderr never interleave mid-line.
                Keep(partial.WrittenSpan, chunk[..(lastNewline + 1)]);
                partial.ResetWrittenCount();
                partial.Write(chunk[(lastNewline + 1)..]);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe went away with the process.
        }

        if (partial.WrittenCount > 0)
        {
            Keep(partial.WrittenSpan, "\n"u8);
        }
    }

    private void Keep(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        lock (_window)
        {
            Append(first);
            Append(second);
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        var capacity = _window.Length;
        if (data.Length >= capacity)
        {
            data[^capacity..].CopyTo(_window);
            _start = 0;
            _length = capacity;
            _cut = true;
            return;
        }

        var end = (_start + _length) % capacity;
        var first = Math.Min(data.Length, capacity - end);
        data[..first].CopyTo(_window.AsSpan(end));
        data[first..].CopyTo(_window);
        _length += data.Length;
        if (_length > capacity)
        {
            _start = (_start + _length - capacity) % capacity;
            _length = capacity;
            _cut = true;
        }
    }
}
