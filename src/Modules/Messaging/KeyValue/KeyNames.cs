namespace OrderHost.Messaging.KeyValue;

/// <summary>The key-value store's key syntax: letters, digits and <c>-/_=.</c>, not starting or ending with a dot.</summary>
internal static class KeyNames
{
    public static void EnsureValid(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key[0] == '.' || key[^1] == '.' || !key.All(IsAllowed))
        {
            throw new ArgumentException($"'{key}' is not a valid key: use letters, digits and -/_=. and no leading or trailing dot.", nameof(key));
        }
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '/' or '_' or '=' or '.';
}
