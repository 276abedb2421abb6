using System.Collections;
using System.Text;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>
/// A logging scope that structured sinks read as key-value pairs (the JSON console, OpenTelemetry)
/// and plain-text sinks print as <c>Key=value</c>.
/// </summary>
public sealed class LogScope(params KeyValuePair<string, object?>[] values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => values.Length;

    public KeyValuePair<string, object?> this[int index] => values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (key, value) in values)
        {
            if (value is not null)
            {
                text.Append(text.Length == 0 ? string.Empty : " ").Append(key).Append('=').Append(value);
            }
        }

        return text.ToString();
    }
}
