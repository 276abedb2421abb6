namespace OrderHost.Notifications;

/// <summary>Bound from <c>Notifications</c>. With a webhook URL, notifications are POSTed there; without, they are logged.</summary>
public sealed class NotificationsOptions
{
    public const string SectionName = "Notifications";

    public WebhookOptions Webhook { get; set; } = new();
}

public sealed class WebhookOptions
{
    public Uri? Url { get; set; }

    /// <summary>Signing secret: <c>whsec_</c> followed by base64 (Standard Webhooks), or any other text used as UTF-8 bytes.</summary>
    public string? Secret { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
