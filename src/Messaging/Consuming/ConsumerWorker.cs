using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.Hosting;
using OrderHost.Messaging.Ledger;
using OrderHost.Messaging.Topology;

namespace OrderHost.Messaging.Consuming;

/// <summary>
/// Runs one durable pull consumer for the life of the host: (re)creates it, consumes with bounded
/// concurrency, reports held messages in progress, and restarts after any error (deleted consumer,
/// lost server). A lost quorum is ridden out, not taken for a deleted consumer: the loop keeps pulling
/// and reports the stall. After every reconnect it starts a new consume session on a new inbox, so pull
/// requests left on the old connection cannot overfill the client's buffer. On shutdown it stops
/// pulling, lets in-flight and buffered messages finish and settle, then returns.
/// </summary>
internal sealed partial class ConsumerWorker(
    ConsumerDefinition definition,
    INatsJSContext jetStream,
    ReconnectSignal reconnects,
    MessageProcessor processor,
    TopologyProvisioner topology,
    MessagingStatus status,
    MessagingMetrics metrics,
    ProcessActivity activity,
    IOptions<NatsOptions> options,
    TimeProvider timeProvider,
    ILogger logger) : BackgroundService
{
    private readonly string _stream = options.Value.Stream.Name;
    private readonly TimeSpan _lagInterval = options.Value.Consumers.LagInterval;

    private static readonly TimeSpan QuietBeforeStop = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxDrainBeforeStop = TimeSpan.FromSeconds(3);

    // Cancelled only when the host's shutdown timeout runs out: handlers get that long to finish.
    private readonly CancellationTokenSource _abortHandling = new();
    private readonly ConsumerStatus _status = status.Consumer(definition.DurableName);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await using var abortOnTimeout = cancellationToken.Register(_abortHandling.Cancel);
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _abortHandling.Dispose();
        base.Dispose();
    }

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

        using var lagCts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        Task? lagLoop = null;
        var loop = new SupervisedLoop(timeProvider);
        await loop.RunAsync(
            async token =>
            {
                var consumer = await EnsureConsumerAsync(token).ConfigureAwait(false);
                _status.MarkRunning();
                loop.Healthy();
                lagLoop ??= ObserveLagAsync(lagCts.Token);
                LogConsuming(definition.DurableName, definition.SubjectList);
                if (await ConsumeUntilStoppedAsync(consumer, token).ConfigureAwait(false) != SessionEnd.ConnectionMoved)
                {
                    return AttemptEnd.RestartAfterBackoff;
                }

                _status.MarkPaused("resuming on the new connection");
                LogResuming(definition.DurableName);
                return AttemptEnd.RestartNow;
            },
            (ex, _) =>
            {
                _status.MarkDown(ex.Message);
                metrics.LoopRestarted(definition.DurableName);
                LogLoopFailed(ex, definition.DurableName);
            },
            stoppingToken).ConfigureAwait(false);

        _status.MarkStopped();
        await lagCts.CancelAsync().ConfigureAwait(false);
        if (lagLoop is not null)
        {
            await lagLoop.ConfigureAwait(false);
        }

        LogStopped(definition.DurableName);
    }

    private async Task<INatsJSConsumer> EnsureConsumerAsync(CancellationToken cancellationToken)
    {
        var config = ConsumerConfigFactory.Create(definition);
        var consumer = await jetStream.CreateOrUpdateConsumerAsync(_stream, config, cancellationToken).ConfigureAwait(false);
        ConsumerConfigFactory.EnsureServerHonoured(definition, consumer.Info.Config);
        return consumer;
    }

    private async Task<SessionEnd> ConsumeUntilStoppedAsync(INatsJSConsumer consumer, CancellationToken stoppingToken)
    {
        var settings = definition.Settings;
        var clientBuffer = Math.Min(settings.PullBatch, settings.MaxConcurrency);
        var opts = new NatsJSConsumeOpts
        {
            // The client's own buffer cannot be reported in progress, so it holds no more than the handlers
            // take within one handler's time (bounded by HandlerTimeout < AckWait); the rest of the pull
            // batch waits in this loop's queue, where every message is reported in progress. The client
            // sizes its buffer at twice this, room for one session's pulls and one re-pull; older pulls
            // are shed by a new session after each reconnect.
            MaxMsgs = clientBuffer,

            // Short pull requests and frequent heartbeats: after a server restart the loop notices the
            // lost pull within about two seconds, and a pull left behind at shutdown expires soon.
            Expires = TimeSpan.FromSeconds(10),
            IdleHeartbeat = TimeSpan.FromSeconds(1),
            DrainOnCancel = true,

            // No server for the consumer (a lost quorum, an election) is waited out, not taken for a deleted consumer.
            MaxConsecutive503Errors = -1,
            NotificationHandler = NoteStallAsync,
        };

        var queue = Channel.CreateBounded<INatsJSMsg<byte[]>>(
            new BoundedChannelOptions(Math.Max(1, settings.PullBatch - clientBuffer)) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        await using var progress = new InProgressAcks(settings.ProgressInterval, timeProvider, logger);
        var handlers = Enumerable.Range(0, settings.MaxConcurrency).Select(_ => Task.Run(() => HandleQueuedAsync(queue.Reader, progress))).ToArray();
        using var consuming = new CancellationTokenSource();

        // On stop, keep pulling and handling until the whole process has been idle for a moment (or a
        // few seconds passed): another consumer's handler still finishing may publish an event for this
        // one, and a pull request closed before it arrived would leave that event unacknowledged.
        // Then stop pulling; what is buffered is still yielded and settled.
        await using var onStop = stoppingToken.Register(() => _ = StopWhenProcessIdleAsync(consuming));
        var moved = reconnects.Next;
        _ = moved.ContinueWith(_ => CancelQuietly(consuming), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        try
        {
            await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, opts, consuming.Token).ConfigureAwait(false))
            {
                _status.MarkAnswered();
                progress.Hold(msg);
                activity.Enter();
                await queue.Writer.WriteAsync(msg, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            queue.Writer.TryComplete();
            _status.MarkPaused("settling the messages it took");
            await Task.WhenAll(handlers).ConfigureAwait(false);
        }

        stoppingToken.ThrowIfCancellationRequested();
        return moved.IsCompleted ? SessionEnd.ConnectionMoved : SessionEnd.Ended;
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session ended first.
        }
    }

    private Task NoteStallAsync(INatsJSNotification notification, CancellationToken cancellationToken)
    {
        switch (notification)
        {
            case NatsJSTimeoutNotification:
                _status.MarkStalled("no heartbeat from the server for its pulls");
                break;
            case NatsJSNoRespondersNotification:
                _status.MarkStalled("no server answers for the consumer (no quorum or leader)");
                break;
        }

        return Task.CompletedTask;
    }

    private async Task StopWhenProcessIdleAsync(CancellationTokenSource consuming)
    {
        var started = timeProvider.GetTimestamp();
        try
        {
            while (!activity.IdleFor(QuietBeforeStop) && timeProvider.GetElapsedTime(started) < MaxDrainBeforeStop)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25), timeProvider, _abortHandling.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown time ran out: stop now.
        }

        await consuming.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>One of <c>MaxConcurrency</c> handlers: takes queued messages until the queue is completed and empty.</summary>
    private async Task HandleQueuedAsync(ChannelReader<INatsJSMsg<byte[]>> queue, InProgressAcks progress)
    {
        await foreach (var msg in queue.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            try
            {
                await processor.ProcessAsync(msg, _abortHandling.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // The processor settles every outcome itself; reaching here is a kernel bug, and the message is redelivered.
                LogProcessorFailed(ex, definition.DurableName);
            }
            finally
            {
                progress.Release(msg);
                activity.Exit();
            }
        }
    }

    private async Task ObserveLagAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_lagInterval, timeProvider);
        do
        {
            try
            {
                var consumer = await jetStream.GetConsumerAsync(_stream, definition.DurableName, cancellationToken).ConfigureAwait(false);
                var info = consumer.Info;
                var oldest = info.NumAckPending > 0 ? await OldestUnsettledAgeAsync(info.AckFloor.StreamSeq, cancellationToken).ConfigureAwait(false) : TimeSpan.Zero;
                _status.Observe(info.NumPending, (ulong)info.NumAckPending, (ulong)info.NumRedelivered, oldest);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogLagFailed(ex, definition.DurableName);
            }

            try
            {
                if (!await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        while (true);
    }

    /// <summary>The first message of this consumer's steps after its ack floor is the oldest not yet acknowledged.</summary>
    private async Task<TimeSpan> OldestUnsettledAgeAsync(ulong ackFloor, CancellationToken cancellationToken)
    {
        var oldest = TimeSpan.Zero;
        foreach (var filter in definition.Filters)
        {
            if (await StreamMessageGet.NextAsync(jetStream, _stream, ackFloor + 1, filter, _lagInterval, cancellationToken).ConfigureAwait(false) is { } found)
            {
                var age = timeProvider.GetUtcNow() - found.StoredAt;
                oldest = age > oldest ? age : oldest;
            }
        }

        return oldest;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer {Consumer} pulling {Subjects}")]
    private partial void LogConsuming(string consumer, string subjects);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Consume loop {Consumer} ended with an error; restarting")]
    private partial void LogLoopFailed(Exception exception, string consumer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer {Consumer} resumes on the re-established connection with new pull requests")]
    private partial void LogResuming(string consumer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer {Consumer} stopped; in-flight messages settled")]
    private partial void LogStopped(string consumer);

    [LoggerMessage(Level = LogLevel.Error, Message = "Processing a message of {Consumer} failed unexpectedly")]
    private partial void LogProcessorFailed(Exception exception, string consumer);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the lag of {Consumer}")]
    private partial void LogLagFailed(Exception exception, string consumer);

    /// <summary>Why a consume session ended without an error.</summary>
    private enum SessionEnd
    {
        Ended,
        ConnectionMoved,
    }
}
