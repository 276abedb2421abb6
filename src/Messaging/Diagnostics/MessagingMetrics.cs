using System.Diagnostics.Metrics;
using OrderHost.Messaging.Connections;

namespace OrderHost.Messaging.Diagnostics;

/// <summary>The kernel's instruments; names follow the external metric contract.</summary>
public sealed class MessagingMetrics
{
    private readonly Counter<long> _handled;
    private readonly Histogram<double> _handlerDuration;
    private readonly Counter<long> _deadLetters;
    private readonly Counter<long> _deadLettersRefused;
    private readonly Counter<long> _loopRestarts;
    private readonly Counter<long> _appends;

    public MessagingMetrics(IMeterFactory meterFactory, MessagingStatus status, NatsConnections connections, TimeProvider timeProvider)
    {
        var meter = meterFactory.Create(MessagingTelemetry.MeterName);
        _handled = meter.CreateCounter<long>("orderhost.messages.handled", description: "Messages handled, by consumer and outcome (ack, nak, term).");
        _handlerDuration = meter.CreateHistogram(
            "orderhost.handler.duration",
            unit: "s",
            description: "Time from receiving a message to settling it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = MessagingTelemetry.LatencyBuckets });
        _deadLetters = meter.CreateCounter<long>("orderhost.dead_letters", description: "Messages copied to the dead-letter stream.");
        _deadLettersRefused = meter.CreateCounter<long>(
            "orderhost.dead_letters.refused",
            description: "Dead letters the dead-letter stream refused (full: it discards new); the message was kept and is retried.");
        _loopRestarts = meter.CreateCounter<long>("orderhost.consumer.restarts", description: "Consume loops restarted after an error.");
        _appends = meter.CreateCounter<long>(
            "orderhost.ledger.appends",
            description: "Conditional appends to the ledger by step; outcome stored, duplicate (the same append again) or refused (the step was done already).");
        meter.CreateObservableGauge(
            "orderhost.consumer.pending_messages",
            () => status.Consumers.Select(c => new Measurement<long>(c.Pending, new KeyValuePair<string, object?>("consumer", c.Name))),
            description: "JetStream num_pending: messages not yet delivered to the consumer (lag).");
        meter.CreateObservableGauge(
            "orderhost.consumer.ack_pending_messages",
            () => status.Consumers.Select(c => new Measurement<long>(c.AckPending, new KeyValuePair<string, object?>("consumer", c.Name))),
            description: "Messages delivered and not yet acknowledged.");
        meter.CreateObservableGauge(
            "orderhost.consumer.redelivered_messages",
            () => status.Consumers.Select(c => new Measurement<long>(c.Redelivered, new KeyValuePair<string, object?>("consumer", c.Name))),
            description: "Messages delivered more than once and not yet acknowledged: being retried after transient failures.");
        meter.CreateObservableGauge(
            "orderhost.consumer.oldest_unsettled_age",
            () => status.Consumers.Select(c => new Measurement<double>(c.OldestUnsettledSeconds, new KeyValuePair<string, object?>("consumer", c.Name))),
            unit: "s",
            description: "Age (since it was stored) of the oldest message delivered to the consumer and not yet acknowledged; 0 when none.");
        meter.CreateObservableGauge(
            "orderhost.nats.connected",
            () => connections.Open.All(c => c.ConnectionState == NatsConnectionState.Open) ? 1 : 0,
            description: "1 while every NATS connection of this process is open, else 0.");
        meter.CreateObservableGauge(
            "orderhost.durability.at_risk",
            () => (status.Durability ?? []).Select(d => new Measurement<int>(d.AtRisk ? 1 : 0, new KeyValuePair<string, object?>("stream", d.Stream))),
            description: "1 when a single power loss can lose messages the stream acknowledged (one replica, server not fsyncing before acks, or not known), else 0; read at start.");
        JetStreamGauges.Register(meter, status, timeProvider);
    }

    public void Handled(string consumer, string outcome, double seconds)
    {
        var consumerTag = new KeyValuePair<string, object?>("consumer", consumer);
        _handled.Add(1, consumerTag, new KeyValuePair<string, object?>("outcome", outcome));
        _handlerDuration.Record(seconds, consumerTag);
    }

    public void DeadLettered(string consumer, string reason)
        => _deadLetters.Add(1, new KeyValuePair<string, object?>("consumer", consumer), new KeyValuePair<string, object?>("reason", reason));

    public void DeadLetterRefused(string consumer, int errorCode)
        => _deadLettersRefused.Add(
            1, new KeyValuePair<string, object?>("consumer", consumer), new KeyValuePair<string, object?>("error_code", errorCode.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    public void Appended(string step, string outcome)
        => _appends.Add(1, new KeyValuePair<string, object?>("step", step), new KeyValuePair<string, object?>("outcome", outcome));

    public void LoopRestarted(string consumer) => _loopRestarts.Add(1, new KeyValuePair<string, object?>("consumer", consumer));
}
