namespace OrderHost.Orders.Infrastructure;

/// <summary>The state of one order as its events in the ledger tell it.</summary>
internal sealed record OrderView(
    Guid OrderId,
    string? CustomerId,
    decimal? Total,
    string? Currency,
    string Status,
    bool Notified,
    IReadOnlyList<OrderStep> History)
{
    public static OrderView Empty(Guid orderId) => new(orderId, null, null, null, OrderStatuses.Accepted, false, []);

    public bool Has(string status) => History.Any(s => s.Status == status);

    public OrderView With(string status, DateTimeOffset at)
        => this with { History = [.. History.Append(new OrderStep(status, at)).OrderBy(s => s.At)] };
}

internal sealed record OrderStep(string Status, DateTimeOffset At);
