using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.Events;

namespace OrderHost.Messaging.Consuming;

/// <summary>The few lines a module writes to say "I consume subject X as durable Y with handler Z".</summary>
public sealed class ConsumerBuilder
{
    private readonly IServiceCollection _services;
    private readonly Dictionary<string, IMessageRoute> _routes = new(StringComparer.Ordinal);
    private readonly List<Action<ConsumerSettings>> _tweaks = [];

    internal ConsumerBuilder(IServiceCollection services) => _services = services;

    public ConsumerBuilder On<TEvent, THandler>(EventType<TEvent> type)
        where TEvent : class, IIntegrationEvent
        where THandler : class, IMessageHandler<TEvent>
    {
        if (!_routes.TryAdd(type.Subject, new MessageRoute<TEvent, THandler>(type)))
        {
            throw new InvalidOperationException($"Subject '{type.Subject}' already has a handler in this consumer.");
        }

        _services.AddScoped<THandler>();
        return this;
    }

    /// <summary>A module's own default for a setting; configuration can still override it.</summary>
    public ConsumerBuilder Configure(Action<ConsumerSettings> tweak)
    {
        _tweaks.Add(tweak);
        return this;
    }

    internal IReadOnlyDictionary<string, IMessageRoute> Routes => _routes;

    internal void ApplyTweaks(ConsumerSettings settings) => _tweaks.ForEach(t => t(settings));
}
