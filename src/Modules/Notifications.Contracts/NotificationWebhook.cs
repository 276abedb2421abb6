using System.Text.Json.Serialization.Metadata;

namespace OrderHost.Notifications.Contracts;

/// <summary>
/// What the notification webhook sends, for the sender and for the AsyncAPI document alike: the Standard Webhooks
/// headers, the event types and the body's JSON shape.
/// </summary>
public static class NotificationWebhook
{
    /// <summary>The notification id, the same on every attempt: a receiver drops repeats by it.</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>Unix seconds when the attempt was made.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary><c>v1,</c> + base64(HMAC-SHA256(secret, "{id}.{timestamp}.{body}")); sent when a secret is configured.</summary>
    public const string SignatureHeader = "webhook-signature";

    public const string PaidType = "order.paid";
    public const string PaymentFailedType = "order.payment_failed";

    public static IReadOnlyList<string> Types { get; } = [PaidType, PaymentFailedType];

    public static JsonTypeInfo<WebhookPayload> PayloadJson => WebhookJsonContext.Default.WebhookPayload;

    /// <summary>The payload type of a notification kind (<see cref="CustomerNotified.PaidKind"/> or <see cref="CustomerNotified.FailedKind"/>).</summary>
    public static string TypeOf(string kind) => kind == CustomerNotified.PaidKind ? PaidType : PaymentFailedType;
}
