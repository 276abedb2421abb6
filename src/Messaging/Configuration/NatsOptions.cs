using OrderHost.Messaging.Ledger;

namespace OrderHost.Messaging.Configuration;

/// <summary>Connection and topology settings, bound from the <c>Nats</c> configuration section.</summary>
public sealed class NatsOptions
{
    public const string SectionName = "Nats";

    /// <summary>Server URL(s); comma-separated for a cluster.</summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// The servers' HTTP monitoring URL(s), comma-separated: where the host reads each server's fsync
    /// setting at start and its connections and storage every <see cref="StatsInterval"/> (NATS tells
    /// them only to the system account). Empty: not read, a one-replica stream counts as at risk, and
    /// no server metrics are exported.
    /// </summary>
    public string MonitoringUrl { get; set; } = "http://127.0.0.1:8222";

    /// <summary>How often the streams' state and limits, and the servers' state, are read for the metrics.</summary>
    public TimeSpan StatsInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Client name shown in the server's connection reports.</summary>
    public string ClientName { get; set; } = "orderhost";

    /// <summary>Replicas for every stream and bucket this process provisions (1, or 3 on a 3-node cluster).</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>Bounds every JetStream API call and publish acknowledgement.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the client pings its server. A connection that leaves <see cref="MaxPingsOut"/> pings unanswered
    /// is dropped and another server is tried: a silent connection (a stalled server, a cut without a reset) is
    /// noticed within <see cref="FailureDetectionTime"/>.
    /// </summary>
    public TimeSpan PingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Unanswered pings that mark the connection dead.</summary>
    public int MaxPingsOut { get; set; } = 2;

    /// <summary>
    /// An append that gets no answer within this time is sent again, with the same message id (the stream
    /// stores it once), until the caller's own deadline; it is also sent again at once when the connection
    /// moves to another server, since an answer meant for the old connection never arrives.
    /// </summary>
    public TimeSpan PublishAttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest a silent connection goes unnoticed: one ping interval more than the unanswered pings allowed.</summary>
    public TimeSpan FailureDetectionTime => PingInterval * (MaxPingsOut + 1);

    /// <summary>Credentials by identity: Default, Operator, or a module's name.</summary>
    public Dictionary<string, NatsCredentialOptions> Credentials { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public NatsTlsOptions Tls { get; set; } = new();

    public StreamLimitsOptions Stream { get; set; } = new();

    public StreamLimitsOptions DeadLetterStream { get; set; } = new() { RefuseWhenFull = true, MaxAge = TimeSpan.FromDays(90), MaxMessages = 1_000_000, MaxBytes = 1L * 1024 * 1024 * 1024 };

    /// <summary>Captures the consumer advisories (max deliveries, terminated) of <see cref="Stream"/>; subjects are derived from its name.</summary>
    public StreamLimitsOptions AdvisoryStream { get; set; } = new() { RefuseWhenFull = true, MaxAge = TimeSpan.FromDays(7), MaxMessages = 100_000, MaxBytes = 64L * 1024 * 1024 };

    public ConsumerDefaultsOptions Consumers { get; set; } = new();

    /// <summary>The defaults for serving <paramref name="ledger"/>, as a host binds them before configuration applies.</summary>
    public static NatsOptions For(LedgerDefinition ledger)
    {
        var options = new NatsOptions();
        options.Serve(ledger);
        return options;
    }

    /// <summary>
    /// Configured subjects that no longer capture what the kernel writes (a ledger step, a dead-letter entry or its
    /// settled marker), as sample subjects; empty when they all land in their stream.
    /// </summary>
    internal IReadOnlyList<string> UncapturedSubjects(LedgerDefinition ledger)
    {
        var ledgerSample = $"{ledger.SubjectRoot}.step.id";
        var deadLetterSamples = new[] { $"{ledger.DeadLetterSubjectRoot}.1.step.id", $"{ledger.DeadLetterSubjectRoot}.1.settled" };
        return
        [
            .. new[] { ledgerSample }.Where(s => !SubjectPattern.AnyMatches(Stream.EffectiveSubjects, s)),
            .. deadLetterSamples.Where(s => !SubjectPattern.AnyMatches(DeadLetterStream.EffectiveSubjects, s)),
        ];
    }

    /// <summary>Names the streams after the ledger wherever configuration did not.</summary>
    internal void Serve(LedgerDefinition ledger)
    {
        Stream.NameUnlessConfigured(ledger.StreamName, ledger.Subjects);
        DeadLetterStream.NameUnlessConfigured(ledger.DeadLetterStreamName, ledger.DeadLetterSubjects);
        AdvisoryStream.NameUnlessConfigured(ledger.AdvisoryStreamName, []);
    }
}
