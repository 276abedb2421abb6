using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Events;

namespace OrderHost.Notifications.Infrastructure;

/// <summary>
/// POSTs each notification to the configured URL with Standard Webhooks headers. The webhook id is
/// the notification id, the same on every attempt, so the receiver can drop repeats. A 5xx, a 408,
/// 425 or 429, a time-out or a lost connection throws: the message is retried with back-off until the
/// receiver takes it. Any other 4xx is a refusal that no retry changes: the message is dead-lettered.
/// </summary>
internal sealed partial class WebhookNotificationSender(
    HttpClient http,
    IOptions<NotificationsOptions> options,
    TimeProvider timeProvider,
    ILogger<WebhookNotificationSender> logger) : INotificationSender
{
    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        var webhook = options.Value.Webhook;
        var now = timeProvider.GetUtcNow();
        var payload = new WebhookPayload(
            NotificationWebhook.TypeOf(notification.Kind),
            now,
            new WebhookOrderData(notification.OrderId, notification.Kind, notification.Amount, notification.Currency, notification.Detail));
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, NotificationWebhook.PayloadJson);
        var timestamp = now.ToUnixTimeSeconds();

        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(NotificationWebhook.IdHeader, notification.NotificationId);
        request.Headers.Add(NotificationWebhook.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        if (!string.IsNullOrEmpty(webhook.Secret))
        {
            request.Headers.Add(NotificationWebhook.SignatureHeader, WebhookSignature.Sign(webhook.Secret, notification.NotificationId, timestamp, body));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(webhook.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"Webhook {webhook.Url} did not answer within {webhook.Timeout}.");
        }

        using (response)
        {
            if (IsRefusal(response.StatusCode))
            {
                // The receiver understood and refused: the same request can never succeed, so it is dead-lettered now.
                throw new PermanentMessageException($"Webhook {webhook.Url} refused the notification: {(int)response.StatusCode}.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"Webhook {webhook.Url} answered {(int)response.StatusCode}.", null, response.StatusCode);
            }
        }

        LogDelivered(notification.OrderId, notification.Kind, notification.NotificationId);
    }

    /// <summary>A 4xx other than time-out (408), too early (425) and too many requests (429), which say "later".</summary>
    private static bool IsRefusal(System.Net.HttpStatusCode status)
        => (int)status is >= 400 and < 500 and not (408 or 425 or 429);

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook delivered: order {OrderId} {Kind} (webhook-id {WebhookId})")]
    private partial void LogDelivered(Guid orderId, string kind, string webhookId);
}
