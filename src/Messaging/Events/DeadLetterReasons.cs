namespace OrderHost.Messaging.Events;

/// <summary>The <c>reason</c> label values of <c>orderhost_dead_letters_total</c>.</summary>
public static class DeadLetterReasons
{
    public const string MalformedJson = "malformed_json";
    public const string UnsupportedVersion = "unsupported_version";
    public const string InvalidEvent = "invalid_event";
    public const string NoHandler = "no_handler";
    public const string MaxDeliveries = "max_deliveries";
    public const string Rejected = "rejected";
}
