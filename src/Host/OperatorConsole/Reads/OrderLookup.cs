using Microsoft.Extensions.Options;
using OrderHost.Messaging;
using OrderHost.Messaging.Ledger;
using OrderHost.Notifications.Contracts;
using OrderHost.Orders.Contracts;
using OrderHost.Payments.Contracts;

namespace OrderHost.Host.OperatorConsole.Reads;

/// <summary>
/// Finds orders by id or by correlation id and tells each one's story. The ledger is keyed by order id, so a
/// correlation id is looked for in the headers of the newest <see cref="ConsoleOptions.CorrelationScanMessages"/>
/// messages of the stream (only <c>orders.created</c>, where a correlation id starts; headers only): older orders
/// are found by their id.
/// </summary>
internal sealed class OrderLookup(OperatorStreamReads reads, DeadLetterSearch deadLetters, ModuleMap modules, IOptions<ConsoleOptions> options)
{
    private const int MaxHistory = 100;

    public async Task<CorrelationMatches> FindByCorrelationIdAsync(string correlationId, CancellationToken cancellationToken)
    {
        var (first, last) = await reads.BoundsAsync(reads.OrdersStream, cancellationToken).ConfigureAwait(false);
        var window = (ulong)Math.Max(options.Value.CorrelationScanMessages, 1);
        var from = Math.Max(first, last >= window ? last - window + 1 : 1);
        var created = await reads.ReadAsync(
            reads.OrdersStream,
            LedgerSubjects.StepFilter(OrderEvents.Created.Subject),
            from,
            options.Value.CorrelationScanMessages,
            headersOnly: true,
            cancellationToken,
            keep: m => m.Header(MessageHeaders.CorrelationId) == correlationId).ConfigureAwait(false);
        List<Guid> ids = [.. created
            .Select(m => LedgerSubjects.IdOf(m.Subject))
            .OfType<Guid>()
            .Distinct()];
        return new CorrelationMatches(ids, from, last);
    }

    /// <summary>Null when the ledger holds nothing of the order (never placed, or removed by the stream's limits).</summary>
    public async Task<OrderTimeline?> TimelineAsync(Guid orderId, CancellationToken cancellationToken)
    {
        var history = await reads.ReadAsync(reads.OrdersStream, OrderHistory.Filter(orderId), null, MaxHistory, headersOnly: false, cancellationToken).ConfigureAwait(false);
        if (history.Count == 0)
        {
            return null;
        }

        var letters = await deadLetters.FindAsync(l => DeadLetterSearch.OrderOf(l) == orderId, 0, want: 20, cancellationToken).ConfigureAwait(false);
        var steps = history.Select(m => new TimelineStep(
            LedgerSubjects.StepOf(m.Subject) ?? m.Subject,
            m.Subject,
            m.Sequence,
            m.StoredAt,
            modules.OwnerOfSubject(m.Subject),
            m.Header(MessageHeaders.MessageId)?.StartsWith("replay:", StringComparison.Ordinal) == true,
            TraceParent.TraceIdOf(m.Header(MessageHeaders.TraceParent)),
            JsonText.Pretty(m.Data))).ToList();
        var origin = history[0];
        return new OrderTimeline(
            orderId,
            steps,
            letters.Letters,
            TraceParent.TraceIdOf(origin.Header(MessageHeaders.TraceParent)),
            origin.Header(MessageHeaders.CorrelationId),
            WebhookOutcome(history, letters.Letters));
    }

    /// <summary>The notification step says the webhook took it; a notifier's dead letter says it was refused.</summary>
    private static string WebhookOutcome(IReadOnlyList<StreamEntry> history, IReadOnlyList<Messaging.DeadLetters.DeadLetter> letters)
    {
        var notified = history.LastOrDefault(m => LedgerSubjects.StepOf(m.Subject) == NotificationEvents.Notified.Subject);
        if (notified is not null)
        {
            var kind = JsonText.Property(notified.Data, "kind") ?? "?";
            return $"delivered: the customer was told \"{kind}\" (stored {notified.StoredAt:u})";
        }

        var refused = letters.LastOrDefault(l => l.Consumer is NotificationConsumers.Paid or NotificationConsumers.Failed);
        if (refused is not null)
        {
            return $"not delivered: dead-lettered by {refused.Consumer} ({refused.Reason})";
        }

        var outcome = history.Any(m => LedgerSubjects.StepOf(m.Subject) is { } step && (step == PaymentEvents.Succeeded.Subject || step == PaymentEvents.Failed.Subject));
        return outcome ? "pending: the payment outcome is stored, the notification not yet" : "not due: no payment outcome yet";
    }
}

/// <summary>Orders whose creation carried a correlation id, within the stream sequences looked at.</summary>
internal sealed record CorrelationMatches(IReadOnlyList<Guid> OrderIds, ulong FromSequence, ulong ToSequence);
