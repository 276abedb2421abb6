using System.Diagnostics;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.DeadLetters;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.Events;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Messaging.Consuming;

/// <summary>
/// Settles one message: decode, run the handler, then ack; nak with a back-off on a transient
/// failure; dead-letter and terminate on a permanent one or on the last allowed delivery.
/// Never throws: a message that cannot be settled is left to redelivery.
/// </summary>
internal sealed partial class MessageProcessor(
    ConsumerDefinition definition,
    IOptions<NatsOptions> options,
    LedgerDefinition ledger,
    IServiceProvider services,
    DeadLetterWriter deadLetters,
    MessagingMetrics metrics,
    TimeProvider timeProvider,
    ILogger logger)
{
    // Named once per consumer: the ledger derives them, and they are needed for every message.
    private readonly string _aggregateIdLogField = ledger.AggregateIdLogField;
    private readonly string _aggregateIdTag = ledger.AggregateIdTag;

    public async Task ProcessAsync(INatsJSMsg<byte[]> msg, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var delivery = DescribeDelivery(msg);
        using var activity = MessageActivity.StartProcess(msg.Headers, msg.Subject, definition.DurableName);
        var scope = new DeliveryLogScope(delivery, Activity.Current?.TraceId ?? default, _aggregateIdLogField);
        using var deliveryScope = logger.BeginScope(scope);

        var outcome = await SettleAsync(msg, delivery, activity, scope, cancellationToken).ConfigureAwait(false);
        if (outcome is not null)
        {
            metrics.Handled(definition.DurableName, outcome, timeProvider.GetElapsedTime(started).TotalSeconds);
        }
    }

    private async Task<string?> SettleAsync(INatsJSMsg<byte[]> msg, DeliveryInfo delivery, Activity? activity, DeliveryLogScope scope, CancellationToken cancellationToken)
    {
        var data = msg.Data ?? [];
        try
        {
            if (LedgerSubjects.StepOf(msg.Subject) is not { } step || !definition.Routes.TryGetValue(step, out var route))
            {
                throw new PermanentMessageException($"no handler for subject {msg.Subject}", DeadLetterReasons.NoHandler);
            }

            var evt = route.Decode(data);

            // The subject is the aggregate's ledger: an event filed under another aggregate's id would break its history.
            if (LedgerSubjects.IdOf(msg.Subject) != evt.AggregateId)
            {
                throw new PermanentMessageException($"subject {msg.Subject} does not name aggregate {evt.AggregateId:D}", DeadLetterReasons.InvalidEvent);
            }
            if (activity is { IsAllDataRequested: true })
            {
                activity.SetTag(_aggregateIdTag, evt.AggregateId);
            }

            scope.AggregateId = evt.AggregateId;

            // A handler that hangs (a gateway that never answers) ends at its deadline and is retried like any transient failure.
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(definition.Settings.EffectiveHandlerTimeout);
            await route.InvokeAsync(services, evt, delivery, deadline.Token).ConfigureAwait(false);
        }
        catch (PermanentMessageException ex)
        {
            LogPermanentFailure(ex.Reason);
            return await DeadLetterAsync(msg, delivery, data, ex.Reason, ex.ReasonCode, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            if (definition.Settings.HasDeliveryLimit && delivery.DeliveryCount >= (ulong)definition.Settings.MaxDeliver)
            {
                LogGivingUp(ex, delivery.DeliveryCount);
                var reason = $"max deliveries ({definition.Settings.MaxDeliver}) reached; last error: {ex.GetType().Name}: {ex.Message}";
                return await DeadLetterAsync(msg, delivery, data, reason, DeadLetterReasons.MaxDeliveries, cancellationToken).ConfigureAwait(false);
            }

            var delay = definition.Settings.NakDelayFor(delivery.DeliveryCount);
            LogTransientFailure(ex, delay);
            return await TrySettleAsync(() => msg.NakAsync(AckOpts() with { NakDelay = delay }, cancellationToken), "nak").ConfigureAwait(false);
        }

        return await TrySettleAsync(
            () => definition.Settings.DoubleAck ? ConfirmedAck.SendAsync(msg, cancellationToken) : msg.AckAsync(AckOpts(), cancellationToken),
            "ack").ConfigureAwait(false);
    }

    private async Task<string?> DeadLetterAsync(INatsJSMsg<byte[]> msg, DeliveryInfo delivery, byte[] data, string reason, string reasonCode, CancellationToken cancellationToken)
    {
        try
        {
            await deadLetters.WriteAsync(options.Value.Stream.Name, delivery, data, msg.Headers, reason, reasonCode, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Never terminate what is not safely dead-lettered: retry later instead.
            LogDeadLetterFailed(ex);
            var delay = definition.Settings.NakDelayFor(delivery.DeliveryCount);
            return await TrySettleAsync(() => msg.NakAsync(AckOpts() with { NakDelay = delay }, cancellationToken), "nak").ConfigureAwait(false);
        }

        return await TrySettleAsync(() => msg.AckTerminateAsync(AckOpts() with { TerminateReason = reason }, cancellationToken), "term").ConfigureAwait(false);
    }

    private async Task<string?> TrySettleAsync(Func<ValueTask> settle, string outcome)
    {
        try
        {
            await settle().ConfigureAwait(false);
            return outcome;
        }
        catch (Exception ex)
        {
            // The outcome is unknown: the server redelivers after AckWait and handlers are idempotent.
            LogSettleFailed(ex, outcome);
            return null;
        }
    }

    private AckOpts AckOpts() => new() { DoubleAck = definition.Settings.DoubleAck };

    private DeliveryInfo DescribeDelivery(INatsJSMsg<byte[]> msg)
    {
        string? correlationId = null;
        msg.Headers?.TryGetLastValue(MessageHeaders.CorrelationId, out correlationId);
        if (AckSubject.TryParse(msg.ReplyTo, out var ack))
        {
            return new DeliveryInfo(definition.DurableName, msg.Subject, ack.StreamSequence, ack.DeliveryCount, ack.Timestamp, correlationId);
        }

        var metadata = msg.Metadata;
        return new DeliveryInfo(
            definition.DurableName,
            msg.Subject,
            metadata?.Sequence.Stream ?? 0,
            metadata?.NumDelivered ?? 1,
            metadata?.Timestamp ?? timeProvider.GetUtcNow(),
            correlationId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message cannot be processed: {Reason}; dead-lettering it")]
    private partial void LogPermanentFailure(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handler failed on delivery {DeliveryCount}, the last allowed; dead-lettering it")]
    private partial void LogGivingUp(Exception exception, ulong deliveryCount);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Handler failed; redelivering in {Delay}")]
    private partial void LogTransientFailure(Exception exception, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the dead letter; the message will be retried")]
    private partial void LogDeadLetterFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not {Outcome} the message; it will be redelivered")]
    private partial void LogSettleFailed(Exception exception, string outcome);
}
