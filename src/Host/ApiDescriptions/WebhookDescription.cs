using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using OrderHost.Notifications;
using OrderHost.Notifications.Contracts;

namespace OrderHost.Host.ApiDescriptions;

/// <summary>
/// The outgoing notification webhook as the AsyncAPI document shows it: an HTTP server (the configured receiver),
/// a channel, the Notifications module's send operation (POST) and its message: the body's schema from
/// <see cref="WebhookPayload"/> and the Standard Webhooks headers from <see cref="NotificationWebhook"/>.
/// </summary>
internal static class WebhookDescription
{
    public const string ServerId = "webhookReceiver";
    public const string ChannelId = "notificationWebhook";
    public const string MessageId = "NotificationWebhook";
    public const string HeadersSchemaId = "WebhookHeaders";
    private const string HttpBindingVersion = "0.3.0";

    public static JsonObject Server() => new()
    {
        ["host"] = "{receiver}",
        ["protocol"] = "https",
        ["description"] = "The receiver named by Notifications__Webhook__Url (http or https, any path); without it notifications are only logged.",
        ["variables"] = new JsonObject { ["receiver"] = new JsonObject { ["description"] = "host[:port] of Notifications__Webhook__Url." } },
    };

    public static JsonObject Channel() => new()
    {
        // null: the path is the configured URL's, not fixed by OrderHost.
        ["address"] = null,
        ["title"] = "Notification webhook",
        ["description"] = "One POST per notification (an order paid or its payment failed). A 2xx takes it; a 5xx, 408, 425, 429, time-out or lost "
            + "connection is retried with back-off and the same webhook-id; any other 4xx dead-letters the notification.",
        ["servers"] = new JsonArray(AsyncApiDocument.Ref($"#/servers/{ServerId}")),
        ["messages"] = new JsonObject { [MessageId] = AsyncApiDocument.Ref($"#/components/messages/{MessageId}") },
    };

    public static JsonObject SendOperation() => new()
    {
        ["action"] = "send",
        ["channel"] = AsyncApiDocument.Ref($"#/channels/{ChannelId}"),
        ["summary"] = $"The {NotificationsModule.Name} module POSTs each notification to the configured receiver.",
        ["messages"] = new JsonArray(AsyncApiDocument.Ref($"#/channels/{ChannelId}/messages/{MessageId}")),
        ["bindings"] = new JsonObject { ["http"] = new JsonObject { ["method"] = "POST", ["bindingVersion"] = HttpBindingVersion } },
        ["x-orderhost-module"] = NotificationsModule.Name,
    };

    public static JsonObject Message() => new()
    {
        ["name"] = MessageId,
        ["title"] = "Order notification (Standard Webhooks)",
        ["contentType"] = "application/json",
        ["headers"] = AsyncApiDocument.Ref($"#/components/schemas/{HeadersSchemaId}"),
        ["payload"] = Payload(),
    };

    public static JsonObject Headers() => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray(NotificationWebhook.IdHeader, NotificationWebhook.TimestampHeader),
        ["properties"] = new JsonObject
        {
            [NotificationWebhook.IdHeader] = AsyncApiDocument.Text("The notification id, '{orderId}.{kind}': the same on every attempt, so a receiver drops repeats by it."),
            [NotificationWebhook.TimestampHeader] = new JsonObject
            {
                ["type"] = "string",
                ["pattern"] = "^[0-9]+$",
                ["description"] = "Unix seconds when the attempt was made.",
            },
            [NotificationWebhook.SignatureHeader] = new JsonObject
            {
                ["type"] = "string",
                ["pattern"] = "^v1,[A-Za-z0-9+/]+={0,2}$",
                ["description"] = "Sent when Notifications__Webhook__Secret is set: 'v1,' + base64(HMAC-SHA256(secret, '{webhook-id}.{webhook-timestamp}.{body}')); "
                    + "a secret 'whsec_<base64>' is used as the decoded bytes, any other as its UTF-8 bytes.",
            },
        },
    };

    private static JsonObject Payload()
    {
        var json = NotificationWebhook.PayloadJson;
        var schema = json.Options.GetJsonSchemaAsNode(json.Type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true }).AsObject();
        schema["description"] = "Standard Webhooks body: the event type, when it was sent, and the order.";
        if (schema["properties"]?["type"] is JsonObject type)
        {
            type["enum"] = new JsonArray([.. NotificationWebhook.Types.Select(t => (JsonNode)t)]);
        }

        if (schema["properties"]?["data"]?["properties"]?["kind"] is JsonObject kind)
        {
            kind["enum"] = new JsonArray(CustomerNotified.PaidKind, CustomerNotified.FailedKind);
        }

        return schema;
    }
}
