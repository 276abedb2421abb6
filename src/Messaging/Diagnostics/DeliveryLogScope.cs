using System.Collections;
using System.Diagnostics;
using OrderHost.Messaging.Consuming;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>
/// The logging scope of one delivery: its origin, correlation, trace and (once decoded) aggregate id.
/// One object per message whose values are boxed and formatted only when a line is written — the
/// eager form cost six allocations per message, and a second scope for the aggregate id.
/// </summary>
internal sealed class DeliveryLogScope(DeliveryInfo delivery, ActivityTraceId traceId, string aggregateIdField) : IReadOnlyList<KeyValuePair<string, object?>>
{
    private const int Fields = 7;

    /// <summary>Set once the event is decoded; lines written before that carry no aggregate id.</summary>
    public Guid? AggregateId { get; set; }

    public int Count => Fields;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("Consumer", delivery.Consumer),
        1 => new("Subject", delivery.Subject),
        2 => new("StreamSequence", delivery.StreamSequence),
        3 => new("DeliveryCount", delivery.DeliveryCount),
        4 => new("CorrelationId", delivery.CorrelationId),
        5 => new("TraceId", traceId == default ? null : traceId.ToHexString()),
        6 => new(aggregateIdField, AggregateId),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Fields; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => new LogScope([.. this]).ToString();
}
