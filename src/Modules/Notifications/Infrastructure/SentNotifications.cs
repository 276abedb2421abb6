using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Notifications.Infrastructure;

/// <summary>
/// The <c>notifications</c> bucket: a create-only record per order and kind, written after the send
/// and the <c>orders.notified</c> publish, so a redelivered message never reaches the sender again.
/// </summary>
internal sealed class SentNotifications([FromKeyedServices(NotificationsModule.Name)] IKeyValueStores stores)
{
    public const string Bucket = "notifications";

    public async Task<(SentNotification Record, ulong Revision)?> FindAsync(Guid orderId, string kind, CancellationToken cancellationToken)
    {
        var lookup = await stores.GetLookupAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var found = await lookup.FindAsync(Key(orderId, kind), cancellationToken).ConfigureAwait(false);
        return found is not null && JsonSerializer.Deserialize(found.Value, SentNotificationJsonContext.Default.SentNotification) is { } record
            ? (record, found.Revision)
            : null;
    }

    /// <summary>Records the send unless one is recorded; false when another delivery recorded it first.</summary>
    public async Task<bool> TryRecordAsync(Guid orderId, string kind, SentNotification record, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        return await store.CreateIfAbsentAsync(Key(orderId, kind), Serialize(record), cancellationToken).ConfigureAwait(false) is not null;
    }

    /// <summary>Marks a first-version record once <c>orders.notified</c> is in the stream; losing the race to another delivery is fine.</summary>
    public async Task MarkPublishedAsync(Guid orderId, string kind, SentNotification record, ulong revision, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        await store.UpdateIfUnchangedAsync(Key(orderId, kind), Serialize(record with { EventPublished = true }), revision, cancellationToken).ConfigureAwait(false);
    }

    public static string Key(Guid orderId, string kind) => $"{orderId:D}.{kind}";

    private static byte[] Serialize(SentNotification record) => JsonSerializer.SerializeToUtf8Bytes(record, SentNotificationJsonContext.Default.SentNotification);
}
