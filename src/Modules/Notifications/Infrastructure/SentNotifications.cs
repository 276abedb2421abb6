using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Notifications.Infrastructure;

/// <summary>
/// The <c>notifications</c> bucket: a create-only record per order and kind, written after a
/// successful send, so a redelivered message never reaches the sender again.
/// </summary>
internal sealed class SentNotifications([FromKeyedServices(NotificationsModule.Name)] IKeyValueStores stores)
{
    public const string Bucket = "notifications";

    public async Task<(SentNotification Record, ulong Revision)?> FindAsync(Guid orderId, string kind, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var entry = await store.FindEntryAsync(Key(orderId, kind), cancellationToken).ConfigureAwait(false);
        return entry is { Value: { } data } found && JsonSerializer.Deserialize(data, SentNotificationJsonContext.Default.SentNotification) is { } record
            ? (record, found.Revision)
            : null;
    }

    /// <summary>Records the send unless another delivery recorded it first; returns what stands and whether it is this one.</summary>
    public async Task<(SentNotification Record, ulong Revision, bool Created)> RecordAsync(Guid orderId, string kind, SentNotification record, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var created = await store.TryCreateAsync(Key(orderId, kind), Serialize(record), serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (created.Success)
        {
            return (record, created.Value, true);
        }

        if (created.Error is not NatsKVCreateException)
        {
            throw created.Error;
        }

        var existing = await FindAsync(orderId, kind, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Notification record of {orderId} exists but cannot be read.");
        return (existing.Record, existing.Revision, false);
    }

    public async Task MarkPublishedAsync(Guid orderId, string kind, SentNotification record, ulong revision, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var updated = await store.TryUpdateAsync(
            Key(orderId, kind), Serialize(record with { EventPublished = true }), revision, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!updated.Success && updated.Error is not NatsKVWrongLastRevisionException)
        {
            throw updated.Error;
        }
    }

    public static string Key(Guid orderId, string kind) => $"{orderId:D}.{kind}";

    private static byte[] Serialize(SentNotification record) => JsonSerializer.SerializeToUtf8Bytes(record, SentNotificationJsonContext.Default.SentNotification);
}
