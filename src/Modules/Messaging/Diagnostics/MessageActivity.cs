using System.Diagnostics;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>Starts the processing span of a message as a child of the trace its publisher wrote into the headers.</summary>
internal static class MessageActivity
{
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

        var activity = source.StartActivity($"{subject} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "nats");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", subject);
        activity?.SetTag("messaging.consumer.group.name", consumer);
        return activity;
    }
}
