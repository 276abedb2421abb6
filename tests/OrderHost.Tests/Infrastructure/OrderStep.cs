namespace OrderHost.Tests.Infrastructure;

/// <summary>One entry of an order's <c>history</c> as GET /orders/{id} returns it.</summary>
public sealed record OrderStep(string Status, DateTimeOffset At);
