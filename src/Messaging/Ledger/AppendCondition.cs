namespace OrderHost.Messaging.Ledger;

/// <summary>
/// What the stream leader checks before it stores an append: the last message on <see cref="Filter"/>
/// (an entity's history, <c>{root}.*.{id}</c>) must be <see cref="ExpectedLastSequence"/>,
/// or there must be none when it is 0. A second successor of the same step is refused, forever.
/// </summary>
public readonly record struct AppendCondition(string Filter, ulong ExpectedLastSequence)
{
    /// <summary>The first event of a history: nothing may be stored on the filter yet.</summary>
    public static AppendCondition First(string filter) => new(filter, 0);

    /// <summary>The event that follows the one stored at <paramref name="sequence"/>, and nothing else does.</summary>
    public static AppendCondition After(string filter, ulong sequence) => new(filter, sequence);
}
