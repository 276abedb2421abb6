namespace OrderHost.Messaging.Events;

/// <summary>The bytes cannot become a valid event: retrying will never help.</summary>
public sealed class EventDecodeException(string reason, string reasonCode, Exception? inner = null)
    : PermanentMessageException(reason, reasonCode, inner);
