namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// What a durable consumer still has to do, as the server reports it (prints readably in poll failures).
/// An unsettled message lies between the ack floor and the last delivered stream sequence.
/// </summary>
public sealed record ConsumerLoad(string Name, long AckPending, ulong Pending, long Redelivered, ulong AckFloorSequence, ulong DeliveredSequence);
