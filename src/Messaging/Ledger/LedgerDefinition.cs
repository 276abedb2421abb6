namespace OrderHost.Messaging.Ledger;

/// <summary>
/// The ledger a host serves, named once by the host: the kernel provisions its streams, files its dead letters and
/// tags its traces and logs from this. Each stream name and subject set here is a default; <c>Nats:Stream</c>,
/// <c>Nats:DeadLetterStream</c> and <c>Nats:AdvisoryStream</c> may override it.
/// </summary>
/// <param name="Entity">What one history is about, lower case (<c>shipment</c>): names the id in traces, logs and schemas.</param>
/// <param name="StreamName">The ledger stream.</param>
/// <param name="SubjectRoot">First token of every ledger subject: <c>{root}.{step}.{id}</c>.</param>
/// <param name="DeadLetterStreamName">Where messages that will never succeed are kept.</param>
/// <param name="DeadLetterSubjectRoot">First tokens of every dead-letter subject: <c>{root}.{seq}.{step}.{id}</c>.</param>
/// <param name="AdvisoryStreamName">Captures the server's advisories about the ledger's consumers.</param>
public sealed record LedgerDefinition(
    string Entity,
    string StreamName,
    string SubjectRoot,
    string DeadLetterStreamName,
    string DeadLetterSubjectRoot,
    string AdvisoryStreamName)
{
    /// <summary>The subjects the ledger stream captures unless configured otherwise.</summary>
    public IReadOnlyList<string> Subjects => [SubjectRoot + ".>"];

    public IReadOnlyList<string> DeadLetterSubjects => [DeadLetterSubjectRoot + ".>"];

    /// <summary>The span tag that carries an event's aggregate id (<c>orderhost.shipment_id</c>).</summary>
    public string AggregateIdTag => $"orderhost.{Entity}_id";

    /// <summary>The log field that carries an event's aggregate id (<c>ShipmentId</c>).</summary>
    public string AggregateIdLogField => char.ToUpperInvariant(Entity[0]) + Entity[1..] + "Id";

    /// <summary>How an event schema names the id token of a subject (<c>shipmentId</c>).</summary>
    public string AggregateIdPlaceholder => Entity + "Id";

    /// <summary>Refuses a definition whose names could not form valid stream names and subjects.</summary>
    public void Validate()
    {
        Require(Entity.Length > 0 && Entity.All(c => char.IsAsciiLetterLower(c) || c == '_'), nameof(Entity), "lower-case letters");
        foreach (var (name, value) in new[] { (nameof(StreamName), StreamName), (nameof(DeadLetterStreamName), DeadLetterStreamName), (nameof(AdvisoryStreamName), AdvisoryStreamName) })
        {
            Require(value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'), name, "letters, digits, '_' or '-'");
        }

        foreach (var (name, value) in new[] { (nameof(SubjectRoot), SubjectRoot), (nameof(DeadLetterSubjectRoot), DeadLetterSubjectRoot) })
        {
            Require(value.Length > 0 && value.Split('.').All(t => t.Length > 0 && t.IndexOfAny(['*', '>', ' ']) < 0), name, "subject tokens without wildcards");
        }

        if (SubjectRoot == DeadLetterSubjectRoot || DeadLetterSubjectRoot.StartsWith(SubjectRoot + ".", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The dead-letter subjects ({DeadLetterSubjectRoot}) must lie outside the ledger's ({SubjectRoot}).");
        }
    }

    private static void Require(bool valid, string name, string expected)
    {
        if (!valid)
        {
            throw new ArgumentException($"The ledger's {name} must be {expected}.", name);
        }
    }
}
