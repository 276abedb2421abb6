namespace OrderHost.Messaging.Ledger;

/// <summary>
/// What the stream answered to a conditional append. The leader checks the expected sequence before the
/// message id (nats-server 2.15), so a retry of an append that was stored is refused, naming the stored
/// append as the last; refused and duplicate both mean "this step is in the ledger".
/// </summary>
/// <param name="Sequence">Where the event is stored; for a refused append, the last sequence the leader reported (0 when it gave none).</param>
/// <param name="Duplicate">The same message id was stored within the duplicate window: this very append, done before.</param>
/// <param name="Refused">The history has moved past the expected sequence: the step was done already (maybe by another delivery).</param>
public readonly record struct AppendResult(ulong Sequence, bool Duplicate, bool Refused)
{
    /// <summary>True only for the one append that stored the event.</summary>
    public bool StoredNow => !Duplicate && !Refused;
}
