using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.Events;

namespace OrderHost.Messaging.Consuming;

internal sealed class MessageRoute<TEvent, THandler>(EventType<TEvent> type) : IMessageRoute
    where TEvent : class, IIntegrationEvent
    where THandler : IMessageHandler<TEvent>
{
    public string Subject => type.Subject;

    public IIntegrationEvent Decode(ReadOnlyMemory<byte> data) => EventCodec.Decode(type, data);

    public async Task InvokeAsync(IServiceProvider services, IIntegrationEvent evt, DeliveryInfo delivery, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService<THandler>();
        await handler.HandleAsync(new MessageContext<TEvent>((TEvent)evt, delivery), cancellationToken).ConfigureAwait(false);
    }
}
