using OrderHost.Messaging.Consuming;
using OrderHost.Orders.Contracts;

namespace OrderHost.Tests.Unit;

/// <summary>A handler that exists only so a consumer can be declared in a unit test.</summary>
internal sealed class IgnoringHandler : IMessageHandler<OrderCreated>
{
    public Task HandleAsync(MessageContext<OrderCreated> message, CancellationToken cancellationToken) => Task.CompletedTask;
}
