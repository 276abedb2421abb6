using System.Collections.Concurrent;

namespace OrderHost.Messaging.Consuming;

/// <summary>
/// Tells the server every message this consumer holds, waiting for a handler or being handled, is
/// still in progress (+WIP) once a third of AckWait has passed since its delivery or its last report.
/// So AckWait ends only for a process that is gone, not for a message queued behind slow handlers.
/// </summary>
internal sealed partial class InProgressAcks : IAsyncDisposable
{
    private static readonly AckOpts Plain = new() { DoubleAck = false };

    private readonly ConcurrentDictionary<string, Held> _held = new(StringComparer.Ordinal);
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reporting;

    public InProgressAcks(TimeSpan interval, TimeProvider timeProvider, ILogger logger)
    {
        _interval = interval;
        _timeProvider = timeProvider;
        _logger = logger;
        _reporting = ReportAsync();
    }

    public void Hold(INatsJSMsg<byte[]> msg)
    {
        if (msg.ReplyTo is { } ackSubject)
        {
            _held[ackSubject] = new Held(msg, _timeProvider.GetTimestamp());
        }
    }

    public void Release(INatsJSMsg<byte[]> msg)
    {
        if (msg.ReplyTo is { } ackSubject)
        {
            _held.TryRemove(ackSubject, out _);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _reporting.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task ReportAsync()
    {
        // Ticks twice per interval, so no message goes much longer than one interval without a report.
        using var timer = new PeriodicTimer(_interval / 2, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                foreach (var (ackSubject, held) in _held)
                {
                    if (_timeProvider.GetElapsedTime(held.Since) < _interval)
                    {
                        continue;
                    }

                    try
                    {
                        await held.Message.AckProgressAsync(Plain, _stop.Token).ConfigureAwait(false);
                        _held.TryUpdate(ackSubject, held with { Since = _timeProvider.GetTimestamp() }, held);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // Not fatal: at worst the server redelivers after AckWait, and the ledger keeps that harmless.
                        LogProgressFailed(ex);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not report a message in progress")]
    private partial void LogProgressFailed(Exception exception);

    private sealed record Held(INatsJSMsg<byte[]> Message, long Since);
}
