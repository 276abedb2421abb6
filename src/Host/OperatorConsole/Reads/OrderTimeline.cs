using OrderHost.Messaging.DeadLetters;

namespace OrderHost.Host.OperatorConsole.Reads;

/// <summary>One order's story: every message of its history in the ledger, the dead letters naming it, and what the webhook made of it.</summary>
internal sealed record OrderTimeline(
    Guid OrderId,
    IReadOnlyList<TimelineStep> Steps,
    IReadOnlyList<DeadLetter> DeadLetters,
    string? TraceId,
    string? CorrelationId,
    string Webhook);

/// <summary>One message of the history; a replayed step appears once more with the sequence its copy got.</summary>
internal sealed record TimelineStep(
    string Step,
    string Subject,
    ulong Sequence,
    DateTimeOffset StoredAt,
    string? Module,
    bool Replayed,
    string? TraceId,
    string Body);
