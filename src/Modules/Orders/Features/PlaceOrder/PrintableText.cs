namespace OrderHost.Orders.Features.PlaceOrder;

/// <summary>
/// Text fields travel into events, logs, the read model and the payment gateway: no control
/// characters (NUL, escape sequences, line breaks, U+0085 …) and no lone surrogates.
/// </summary>
internal static class PrintableText
{
    public const string Message = "'{PropertyName}' must not contain control characters.";

    public static bool IsPrintable(string? text)
    {
        if (text is null)
        {
            return true;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                return false;
            }

            if (char.IsSurrogate(c) && !(char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[++i])))
            {
                return false;
            }
        }

        return true;
    }
}
