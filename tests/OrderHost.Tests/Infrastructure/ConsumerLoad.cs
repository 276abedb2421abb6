namespace OrderHost.Tests.Infrastructure;

/// <summary>What a durable consumer still has to do, as the server reports it (prints readably in poll failures).</summary>
public sealed record ConsumerLoad(string Name, long AckPending, ulong Pending, long Redelivered);
