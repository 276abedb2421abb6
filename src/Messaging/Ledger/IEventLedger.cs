using OrderHost.Messaging.Events;

namespace OrderHost.Messaging.Ledger;

/// <summary>
/// The stream as the source of truth: conditional appends that the stream leader checks, and the
/// reads that tell what a history holds. A module gets its own, speaking as its identity:
/// <c>[FromKeyedServices(ModuleName)] IEventLedger</c>.
/// </summary>
public interface IEventLedger
{
    /// <summary>
    /// Stores <paramref name="evt"/> on <paramref name="subject"/> if <paramref name="condition"/> holds.
    /// A refusal is an answer, not an error; any other server error throws.
    /// </summary>
    Task<AppendResult> AppendAsync<TEvent>(
        EventType<TEvent> type,
        TEvent evt,
        string subject,
        string messageId,
        AppendCondition condition,
        string correlationId,
        CancellationToken cancellationToken)
        where TEvent : class, IIntegrationEvent;

    /// <summary>
    /// The last message on <paramref name="filter"/>, read from the stream leader, so it is never
    /// stale: what decides whether an external effect is still to be made. Null when there is none.
    /// </summary>
    Task<StoredEvent?> ReadLastAsync(string filter, CancellationToken cancellationToken);

    /// <summary>
    /// The last message of every subject matching <paramref name="filter"/>, in one batched direct get
    /// (any replica may answer, so it can lag the leader a little): for reads that show state, never for
    /// deciding an effect. Throws when the answer is not whole.
    /// </summary>
    Task<IReadOnlyList<StoredEvent>> ReadLastPerSubjectAsync(string filter, CancellationToken cancellationToken);
}
