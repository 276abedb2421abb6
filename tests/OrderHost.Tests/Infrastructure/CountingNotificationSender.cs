using System.Collections.Concurrent;
using OrderHost.Notifications;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// Counts notifications per order; shared by several hosts in one test, it shows whether a customer
/// was told twice. An optional per-send delay stands for a slow channel, keeping work in flight.
/// </summary>
public sealed class CountingNotificationSender(TimeSpan sendDuration = default) : INotificationSender
{
    private readonly ConcurrentDictionary<Guid, int> _sent = new();

    public async Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (sendDuration > TimeSpan.Zero)
        {
            await Task.Delay(sendDuration, cancellationToken);
        }

        _sent.AddOrUpdate(notification.OrderId, 1, (_, n) => n + 1);
    }

    public int SentFor(Guid orderId) => _sent.GetValueOrDefault(orderId);

    public IReadOnlyDictionary<Guid, int> Snapshot() => new Dictionary<Guid, int>(_sent);
}
