namespace OrderHost.Tests.Infrastructure;

/// <summary>The last lines a child process wrote (stdout and stderr), kept for failure messages.</summary>
public sealed class RecentOutput(int capacity)
{
    private readonly Queue<string> _lines = new();

    /// <summary>Captures both streams of a process that is about to start.</summary>
    public void Capture(System.Diagnostics.Process process)
    {
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
    }

    public IReadOnlyList<string> Lines()
    {
        lock (_lines)
        {
            return [.. _lines];
        }
    }

    public override string ToString() => string.Join('\n', Lines());

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }
}
