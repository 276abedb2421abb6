using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.Events;
using OrderHost.Messaging.Hosting;
using OrderHost.Messaging.Topology;

namespace OrderHost.Messaging.DeadLetters;

/// <summary>
/// Dead-letters what the consume loops could not: a message whose deliveries ran out on ack
/// timeouts (its handler hung or its process died each time), or one terminated by someone else.
/// The server's advisories are captured in a stream, so none is lost while no process runs; the
/// original is read back by its stream sequence. Copies of messages the kernel already
/// dead-lettered itself carry the same message id and are dropped as duplicates.
/// </summary>
internal sealed partial class DeadLetterAdvisoryWorker(
    [FromKeyedServices(MessagingIdentities.Operator)] INatsJSContext jetStream,
    TopologyProvisioner topology,
    [FromKeyedServices(MessagingIdentities.Operator)] DeadLetterWriter writer,
    MessagingStatus status,
    IOptions<NatsOptions> options,
    TimeProvider timeProvider,
    ILogger<DeadLetterAdvisoryWorker> logger) : BackgroundService
{
    public const string DurableName = "dead-letter-advisories";

    private readonly ConsumerStatus _status = status.Consumer(DurableName);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await topology.WhenProvisioned(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        var loop = new SupervisedLoop(timeProvider);
        await loop.RunAsync(
            async token =>
            {
                var consumer = await jetStream.CreateOrUpdateConsumerAsync(
                    options.Value.AdvisoryStream.Name,
                    new ConsumerConfig(DurableName) { AckPolicy = ConsumerConfigAckPolicy.Explicit, AckWait = TimeSpan.FromSeconds(30) },
                    token).ConfigureAwait(false);
                _status.MarkRunning();
                loop.Healthy();
                await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, new NatsJSConsumeOpts { MaxMsgs = 32 }, token).ConfigureAwait(false))
                {
                    await HandleAsync(msg, token).ConfigureAwait(false);
                }

                return AttemptEnd.RestartAfterBackoff;
            },
            (ex, _) =>
            {
                _status.MarkDown(ex.Message);
                LogLoopFailed(ex);
            },
            stoppingToken).ConfigureAwait(false);

        _status.MarkStopped();
    }

    private async Task HandleAsync(INatsJSMsg<byte[]> msg, CancellationToken cancellationToken)
    {
        try
        {
            var advisory = msg.Data is { } data ? JsonSerializer.Deserialize(data, AdvisoryJsonContext.Default.ConsumerAdvisory) : null;
            if (advisory is not null && advisory.Stream == options.Value.Stream.Name)
            {
                await DeadLetterAsync(advisory, cancellationToken).ConfigureAwait(false);
            }

            await msg.AckAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await ForgetAsync(msg, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            LogUnreadable(ex);
            await msg.AckTerminateAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not acked: the dead-letter stream may be full (it refuses new entries rather than dropping
            // old ones), so the advisory stays and is tried again until there is room.
            LogFailed(ex);
            await msg.NakAsync(new AckOpts { NakDelay = TimeSpan.FromSeconds(2) }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Removes a handled advisory, so the advisory stream holds only those still to handle and fills
    /// (and refuses new ones, see its discard policy) only when they are not being handled.
    /// </summary>
    private async Task ForgetAsync(INatsJSMsg<byte[]> msg, CancellationToken cancellationToken)
    {
        if (msg.Metadata is not { } metadata)
        {
            return;
        }

        try
        {
            await jetStream.DeleteMessageAsync(
                options.Value.AdvisoryStream.Name, new StreamMsgDeleteRequest { Seq = metadata.Sequence.Stream, NoErase = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex)
        {
            // Handled already; left to the stream's age limit.
            LogNotRemoved(ex);
        }
    }

    private async Task DeadLetterAsync(ConsumerAdvisory advisory, CancellationToken cancellationToken)
    {
        var original = await ReadOriginalAsync(advisory, cancellationToken).ConfigureAwait(false);
        var headers = new NatsHeaders();
        foreach (var (key, value) in HeaderBlock.Parse(original?.Hdrs))
        {
            headers[key] = value;
        }

        var subject = original?.Subject ?? options.Value.Stream.UnavailableSubject;
        headers.TryGetValue(MessageHeaders.CorrelationId, out var correlation);
        var delivery = new DeliveryInfo(
            advisory.Consumer, subject, advisory.StreamSequence, advisory.Deliveries, original?.Time ?? timeProvider.GetUtcNow(), correlation.ToString());
        var (reason, code) = advisory.IsMaxDeliver
            ? ($"max deliveries ({advisory.Deliveries}) reached without an ack", DeadLetterReasons.MaxDeliveries)
            : ($"terminated: {advisory.Reason ?? "no reason given"}", DeadLetterReasons.Rejected);
        if (original is null)
        {
            reason += "; the original message is no longer in the stream";
        }

        await writer.WriteAsync(advisory.Stream, delivery, original?.Data ?? ReadOnlyMemory<byte>.Empty, headers, reason, code, cancellationToken).ConfigureAwait(false);
    }

    private async Task<StoredMessage?> ReadOriginalAsync(ConsumerAdvisory advisory, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await jetStream.GetStreamAsync(advisory.Stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var response = await stream.GetAsync(new StreamMsgGetRequest { Seq = advisory.StreamSequence }, cancellationToken).ConfigureAwait(false);
            return response.Message;
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead-letter advisory loop ended with an error; restarting")]
    private partial void LogLoopFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unreadable consumer advisory dropped")]
    private partial void LogUnreadable(Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Handled advisory not removed from its stream")]
    private partial void LogNotRemoved(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not dead-letter from an advisory; retrying")]
    private partial void LogFailed(Exception exception);
}
