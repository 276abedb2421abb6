namespace OrderHost.Messaging;

/// <summary>How a module reads the ledger: each kind needs its own NATS permission.</summary>
[Flags]
public enum LedgerReads
{
    None = 0,

    /// <summary><see cref="Ledger.IEventLedger.ReadLastAsync"/>: from the stream leader, to decide an effect.</summary>
    FromLeader = 1,

    /// <summary><see cref="Ledger.IEventLedger.ReadLastPerSubjectAsync"/>: batched direct gets, to show state.</summary>
    Direct = 2,
}
