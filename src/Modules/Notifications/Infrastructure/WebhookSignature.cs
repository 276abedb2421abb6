using System.Security.Cryptography;
using System.Text;

namespace OrderHost.Notifications.Infrastructure;

/// <summary>Standard Webhooks signing: <c>v1,</c> + base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")).</summary>
internal static class WebhookSignature
{
    private const string SecretPrefix = "whsec_";

    public static string Sign(string secret, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(FormattableString.Invariant($"{webhookId}.{timestamp}."));
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(KeyOf(secret), signed));
    }

    public static byte[] KeyOf(string secret) => secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
        ? Convert.FromBase64String(secret[SecretPrefix.Length..])
        : Encoding.UTF8.GetBytes(secret);
}
