using System.Globalization;
using System.Text;

namespace OrderHost.Tests.Security;

/// <summary>Reads one HTTP/1.1 response from a raw stream (Content-Length or chunked), to see exactly what the server put on the wire.</summary>
public static class RawHttp
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(10);

    public static async Task<RawResponse> ReadResponseAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        var buffer = new List<byte>();
        try
        {
            var headEnd = await ReadUntilAsync(stream, buffer, b => IndexOf(b, "\r\n\r\n"u8.ToArray()), timeout.Token);
            if (headEnd < 0)
            {
                return new RawResponse(0, "(connection closed before any answer)", new Dictionary<string, string>(), string.Empty);
            }

            var head = Encoding.ASCII.GetString([.. buffer.Take(headEnd)]);
            var lines = head.Split("\r\n");
            var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
            var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
                .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
                .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(p => p[1].Trim())), StringComparer.OrdinalIgnoreCase);
            buffer.RemoveRange(0, headEnd + 4);

            string body;
            if (headers.TryGetValue("Content-Length", out var length))
            {
                var size = int.Parse(length, CultureInfo.InvariantCulture);
                await ReadUntilAsync(stream, buffer, b => b.Count >= size ? size : -1, timeout.Token);
                body = Encoding.UTF8.GetString([.. buffer.Take(size)]);
            }
            else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                await ReadUntilAsync(stream, buffer, b => IndexOf(b, "0\r\n\r\n"u8.ToArray()), timeout.Token);
                body = Encoding.UTF8.GetString([.. buffer]);
            }
            else
            {
                body = string.Empty;
            }

            return new RawResponse(status, head, headers, body);
        }
        catch (IOException ex)
        {
            return new RawResponse(0, $"(connection failed: {ex.Message})", new Dictionary<string, string>(), string.Empty);
        }
    }

    private static async Task<int> ReadUntilAsync(Stream stream, List<byte> buffer, Func<List<byte>, int> found, CancellationToken cancellationToken)
    {
        var chunk = new byte[8192];
        while (true)
        {
            var at = found(buffer);
            if (at >= 0)
            {
                return at;
            }

            var read = await stream.ReadAsync(chunk, cancellationToken);
            if (read == 0)
            {
                return -1;
            }

            buffer.AddRange(chunk.AsSpan(0, read).ToArray());
        }
    }

    private static int IndexOf(List<byte> buffer, byte[] pattern)
    {
        for (var i = 0; i + pattern.Length <= buffer.Count; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length && match; j++)
            {
                match = buffer[i + j] == pattern[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>Status 0 means no answer at all.</summary>
public sealed record RawResponse(int Status, string Head, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public override string ToString() => $"{Head.Replace("\r\n", " | ", StringComparison.Ordinal)} {Body}";
}
