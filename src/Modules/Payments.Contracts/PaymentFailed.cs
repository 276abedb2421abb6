using OrderHost.Messaging.Events;

namespace OrderHost.Payments.Contracts;

/// <summary>The order's payment was declined: published on <c>orders.payment_failed</c>.</summary>
public sealed record PaymentFailed(
    int Version,
    Guid OrderId,
    decimal Amount,
    string Currency,
    string Reason,
    DateTimeOffset AcceptedAt,
    DateTimeOffset ProcessedAt) : IIntegrationEvent
{
    public const int CurrentVersion = 1;
}
