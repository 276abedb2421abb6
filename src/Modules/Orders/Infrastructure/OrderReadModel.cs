using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.Events;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Orders.Infrastructure;

/// <summary>
/// <c>GET /orders/{orderId}</c>'s view, put together from the order's own subjects in the ledger:
/// the last message of each step, in one batched direct get. Nothing is projected or stored beside
/// the stream, so the view is as current as the replica that answers.
/// </summary>
internal sealed partial class OrderReadModel(
    [FromKeyedServices(OrdersModule.Name)] IEventLedger ledger,
    ILogger<OrderReadModel> logger)
{
    public async Task<OrderView?> FindAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var events = await ledger.ReadLastPerSubjectAsync(OrderHistory.Filter(orderId), cancellationToken).ConfigureAwait(false);
        if (events.Count == 0)
        {
            return null;
        }

        var view = OrderView.Empty(orderId);
        foreach (var stored in events.OrderBy(e => e.Sequence))
        {
            view = Apply(view, stored);
        }

        // Only unreadable events (each dead-lettered by its consumers): no order anyone can show.
        return view.History.Count == 0 ? null : view;
    }

    private OrderView Apply(OrderView view, StoredEvent stored)
    {
        try
        {
            return LedgerSubjects.StepOf(stored.Subject) switch
            {
                var s when s == OrderEvents.Created.Subject => Accepted(view, EventCodec.Decode(OrderEvents.Created, stored.Data)),
                var s when s == PaymentEvents.Succeeded.Subject => Outcome(view, OrderStatuses.Paid, EventCodec.Decode(PaymentEvents.Succeeded, stored.Data).ProcessedAt),
                var s when s == PaymentEvents.Failed.Subject => Outcome(view, OrderStatuses.PaymentFailed, EventCodec.Decode(PaymentEvents.Failed, stored.Data).ProcessedAt),
                var s when s == NotificationEvents.Notified.Subject => view.Has(OrderStatuses.Notified)
                    ? view
                    : view.With(OrderStatuses.Notified, EventCodec.Decode(NotificationEvents.Notified, stored.Data).NotifiedAt) with { Notified = true },
                _ => view,
            };
        }
        catch (EventDecodeException ex)
        {
            // A message the consumers dead-letter as well: the view shows what can be read.
            LogUnreadable(stored.Subject, stored.Sequence, ex.Message);
            return view;
        }
    }

    private static OrderView Accepted(OrderView view, OrderCreated created)
        => view.Has(OrderStatuses.Accepted)
            ? view
            : view.With(OrderStatuses.Accepted, created.AcceptedAt) with { CustomerId = created.CustomerId, Total = created.Total, Currency = created.Currency };

    /// <summary>The ledger stores one outcome per order; should an older stream hold two, the first one stands.</summary>
    private static OrderView Outcome(OrderView view, string status, DateTimeOffset at)
        => view.Has(OrderStatuses.Paid) || view.Has(OrderStatuses.PaymentFailed) ? view : view.With(status, at) with { Status = status };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Order view skips {Subject} at sequence {Sequence}: {Reason}")]
    private partial void LogUnreadable(string subject, ulong sequence, string reason);
}
