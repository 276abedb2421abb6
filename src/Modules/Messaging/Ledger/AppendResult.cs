namespace OrderHost.Messaging.Ledger;

/// <summary>What the stream answered to a conditional append.</summary>
/// <param name="Sequence">Where the event is stored; for a refused append, the last sequence the leader reported (0 when it gave none).</param>
/// <param name="Duplicate">The same message id was stored within the duplicate window: this very append, done before.</param>
/// <param name="Refused">The history has moved past the expected sequence: the step was done already (maybe by another delivery).</param>
public readonly record struct AppendResult(ulong Sequence, bool Duplicate, bool Refused)
{
    /// <summary>True only for the one append that stored the event.</summary>
    public bool StoredNow => !Duplicate && !Refused;
}
