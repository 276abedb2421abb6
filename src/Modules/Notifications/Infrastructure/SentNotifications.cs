using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Notifications.Infrastructure;

/// <summary>
/// The <c>notifications</c> bucket: a create-only marker per order and kind, written after a
/// successful send, so a redelivered message never reaches the sender again.
/// </summary>
internal sealed class SentNotifications([FromKeyedServices(NotificationsModule.Name)] IKeyValueStores stores, TimeProvider timeProvider)
{
    public const string Bucket = "notifications";

    public async Task<bool> WasSentAsync(Guid orderId, string kind, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var entry = await store.TryGetEntryAsync<string>(Key(orderId, kind), cancellationToken: cancellationToken).ConfigureAwait(false);
        return entry.Success;
    }

    /// <summary>Returns false when another delivery recorded it first.</summary>
    public async Task<bool> MarkSentAsync(Guid orderId, string kind, CancellationToken cancellationToken)
    {
        var store = await stores.GetAsync(Bucket, cancellationToken).ConfigureAwait(false);
        var sentAt = timeProvider.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        var created = await store.TryCreateAsync(Key(orderId, kind), sentAt, serializer: NatsUtf8PrimitivesSerializer<string>.Default, cancellationToken: cancellationToken).ConfigureAwait(false);
        return created.Success || (created.Error is NatsKVCreateException ? false : throw created.Error);
    }

    public static string Key(Guid orderId, string kind) => $"{orderId:D}.{kind}";
}
