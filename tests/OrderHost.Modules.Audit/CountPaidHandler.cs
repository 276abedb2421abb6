using Microsoft.Extensions.Logging;
using OrderHost.Messaging.Consuming;
using OrderHost.Payments.Contracts;

namespace OrderHost.Modules.Audit;

internal sealed partial class CountPaidHandler(PaidOrderAudit audit, ILogger<CountPaidHandler> logger) : IMessageHandler<PaymentSucceeded>
{
    public Task HandleAsync(MessageContext<PaymentSucceeded> message, CancellationToken cancellationToken)
    {
        if (audit.Record(message.Event.OrderId, message.Event.Amount))
        {
            LogPaid(message.Event.OrderId, message.Event.Amount);
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Audited paid order {OrderId}: {Amount}")]
    private partial void LogPaid(Guid orderId, decimal amount);
}
