namespace OrderHost.TestSupport;

/// <summary>The last lines a child process wrote (stdout and stderr), kept for failure messages.</summary>
public sealed class RecentOutput(int capacity)
{
    private readonly Queue<string> _lines = new();

    /// <summary>Starts a child process with both of its output streams captured here.</summary>
    public System.Diagnostics.Process Start(System.Diagnostics.ProcessStartInfo startInfo)
    {
        startInfo.RedirectStandardOutput = true;
        startInfo.RedirectStandardError = true;
        startInfo.UseShellExecute = false;
        var process = new System.Diagnostics.Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
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
