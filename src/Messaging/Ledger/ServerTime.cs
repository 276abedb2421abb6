using System.Globalization;

namespace OrderHost.Messaging.Ledger;

/// <summary>The server writes RFC 3339 times with nanoseconds; .NET parses at most seven fraction digits.</summary>
internal static class ServerTime
{
    public static DateTimeOffset Parse(string text)
    {
        var dot = text.IndexOf('.');
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        return DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }
}
