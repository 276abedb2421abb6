using System.Diagnostics;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>
/// The spans of event traffic and the W3C trace context in its headers. OrderHost writes them itself
/// instead of listening to the NATS client's spans: the client would start one for every key-value
/// read, ack and API call too, which cost more CPU than the handlers.
/// </summary>
internal static class MessageActivity
{
    public static Activity? StartPublish(string subject)
    {
        var source = MessagingTelemetry.ActivitySource;
        if (!source.HasListeners())
        {
            return null;
        }

        var step = LedgerSubjects.StepOf(subject) ?? subject;
        var activity = source.StartActivity($"{step} publish", ActivityKind.Producer);
        if (activity is { IsAllDataRequested: true })
        {
            SetDestination(activity, subject, step);
            activity.SetTag("messaging.operation.type", "send");
        }

        return activity;
    }

    /// <summary>Writes the current trace context (the publish span, else whatever span is current) into the headers.</summary>
    public static void InjectContext(NatsHeaders headers)
    {
        if (Activity.Current is not { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent } current)
        {
            return;
        }

        headers[MessageHeaders.TraceParent] = traceParent;
        if (!string.IsNullOrEmpty(current.TraceStateString))
        {
            headers[MessageHeaders.TraceState] = current.TraceStateString;
        }
    }

    public static Activity? StartProcess(NatsHeaders? headers, string subject, string consumer)
    {
        var source = MessagingTelemetry.ActivitySource;
        if (!source.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        if (headers is not null
            && headers.TryGetLastValue(MessageHeaders.TraceParent, out var traceParent)
            && traceParent is not null)
        {
            headers.TryGetLastValue(MessageHeaders.TraceState, out var traceState);
            ActivityContext.TryParse(traceParent, traceState, isRemote: true, out parent);
        }

        var step = LedgerSubjects.StepOf(subject) ?? subject;
        var activity = source.StartActivity($"{step} process", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            SetDestination(activity, subject, step);
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.consumer.group.name", consumer);
        }

        return activity;
    }

    /// <summary>
    /// Span names carry the step, not the per-entity subject, so they stay few (OpenTelemetry's messaging
    /// conventions: a low-cardinality name, the concrete destination as a tag, its template beside it).
    /// </summary>
    private static void SetDestination(Activity activity, string subject, string step)
    {
        activity.SetTag("messaging.system", "nats");
        activity.SetTag("messaging.destination.name", subject);
        activity.SetTag("messaging.destination.template", LedgerSubjects.StepFilter(step));
    }
}
