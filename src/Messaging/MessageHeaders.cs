namespace OrderHost.Messaging;

/// <summary>Header names that are part of the external contract.</summary>
public static class MessageHeaders
{
    public const string MessageId = "Nats-Msg-Id";
    public const string CorrelationId = "X-Correlation-Id";
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    public const string DeadLetterReason = "OrderHost-Dlq-Reason";
    public const string DeadLetterConsumer = "OrderHost-Dlq-Consumer";
    public const string DeadLetterStream = "OrderHost-Dlq-Stream";
    public const string DeadLetterSequence = "OrderHost-Dlq-Stream-Sequence";
    public const string DeadLetterDeliveries = "OrderHost-Dlq-Deliveries";
    public const string DeadLetterSubject = "OrderHost-Dlq-Subject";
    public const string DeadLetterAt = "OrderHost-Dlq-At";
    public const string DeadLetterSettled = "OrderHost-Dlq-Settled";
    public const string DeadLetterEntry = "OrderHost-Dlq-Entry";
}
