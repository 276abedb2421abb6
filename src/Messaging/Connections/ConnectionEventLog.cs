namespace OrderHost.Messaging.Connections;

/// <summary>
/// One log line per connection state change, instead of the client's error with a stack trace
/// on every failed reconnect attempt (its own logging is turned down in appsettings.json).
/// </summary>
internal static partial class ConnectionEventLog
{
    public static void Attach(NatsConnection connection, ILogger logger)
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
        connection.MessageDropped += (_, e) =>
        {
            LogDropped(logger, name, e.Subject);
            return ValueTask.CompletedTask;
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "NATS connection {Connection} open: {Detail}")]
    private static partial void LogOpened(ILogger logger, string connection, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS connection {Connection} lost: {Detail}; reconnecting")]
    private static partial void LogDisconnected(ILogger logger, string connection, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS server of {Connection} entered lame-duck mode: {Detail}")]
    private static partial void LogLameDuck(ILogger logger, string connection, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "NATS connection {Connection} dropped a message on {Subject}: client buffer full")]
    private static partial void LogDropped(ILogger logger, string connection, string subject);
}
