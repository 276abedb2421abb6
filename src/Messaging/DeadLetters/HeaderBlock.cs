using System.Text;

namespace OrderHost.Messaging.DeadLetters;

/// <summary>Parses the <c>NATS/1.0</c> header block that stream message reads return.</summary>
internal static class HeaderBlock
{
    /// <summary>Accepts the block as the message-get API returns it: base64 of the raw bytes.</summary>
    public static Dictionary<string, string> Parse(string? encoded)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (string.IsNullOrEmpty(encoded))
        {
            return headers;
        }

        var text = encoded.StartsWith("NATS/", StringComparison.Ordinal) ? encoded : Encoding.ASCII.GetString(Convert.FromBase64String(encoded));
        var lines = text.Split("\r\n");
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return headers;
    }
}
