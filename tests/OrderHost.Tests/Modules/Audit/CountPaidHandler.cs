using OrderHost.Messaging.Consuming;
using OrderHost.Payments.Contracts;

namespace OrderHost.Tests.Modules.Audit;

internal sealed class CountPaidHandler(PaidOrderAudit audit) : IMessageHandler<PaymentSucceeded>
{
    public Task HandleAsync(MessageContext<PaymentSucceeded> message, CancellationToken cancellationToken)
    {
        audit.Record(message.Event.OrderId, message.Event.Amount);
        return Task.CompletedTask;
    }
}
