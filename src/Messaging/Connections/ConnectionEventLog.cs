using OrderHost.Messaging.Diagnostics;

namespace OrderHost.Messaging.Connections;

/// <summary>
/// One log line per connection state change, instead of the client's error with a stack trace
/// on every failed reconnect attempt (its own logging is turned down in appsettings.json).
/// </summary>
internal static partial class ConnectionEventLog
{
    private static readonly byte[] Nak = "-NAK"u8.ToArray();

    public static void Attach(NatsConnection connection, ILogger logger, ClientDropMetrics drops)
    {
        var name = connection.Opts.Name;
        connection.ConnectionOpened += (_, e) =>
        {
            LogOpened(logger, name, e.Message);
            return ValueTask.CompletedTask;
        };
        connection.ConnectionDisconnected += (_, e) =>
        {
            LogDisconnected(logger, name, e.Message);
            return ValueTask.CompletedTask;
        };
        connection.LameDuckModeActivated += (_, e) =>
        {
            LogLameDuck(logger, name, e.Message);
            return ValueTask.CompletedTask;
        };
        connection.MessageDropped += async (_, e) =>
        {
            drops.Dropped(name, e.Subject);
            LogDropped(logger, name, e.Subject, e.Pending);
            if (e.ReplyTo is { } ackSubject && ackSubject.StartsWith("$JS.ACK.", StringComparison.Ordinal))
            {
                // A JetStream delivery: hand it back at once rather than after AckWait.
                await NakAsync(connection, ackSubject, logger).ConfigureAwait(false);
            }
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS connection {Connection} open: {Detail}")]
    private static partial void LogOpened(ILogger logger, string connection, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS connection {Connection} lost: {Detail}; reconnecting")]
    private static partial void LogDisconnected(ILogger logger, string connection, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS server of {Connection} entered lame-duck mode: {Detail}")]
    private static partial void LogLameDuck(ILogger logger, string connection, string detail);

    private static async Task NakAsync(NatsConnection connection, string ackSubject, ILogger logger)
    {
        try
        {
            await connection.PublishAsync(ackSubject, Nak, serializer: NatsRawSerializer<byte[]>.Default).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogNakFailed(logger, ex, ackSubject);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "NATS connection {Connection} dropped a message on {Subject}: client buffer full ({Pending} waiting); a delivery is handed back and retried")]
    private static partial void LogDropped(ILogger logger, string connection, string subject, int pending);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not hand back the dropped delivery {AckSubject}; it returns after AckWait")]
    private static partial void LogNakFailed(ILogger logger, Exception exception, string ackSubject);
}
