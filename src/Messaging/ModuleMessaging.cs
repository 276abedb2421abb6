using Microsoft.Extensions.DependencyInjection;
using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.Events;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Messaging;

/// <summary>
/// A module's messaging declarations: the consumers it runs, the events it publishes, how it reads the ledger and
/// the buckets it owns. Everything
/// declared here speaks to NATS as the module's identity. Handlers and services of the module get
/// its ledger and buckets as keyed services: <c>[FromKeyedServices(ModuleName)] IEventLedger</c>.
/// </summary>
public sealed class ModuleMessaging
{
    private readonly IServiceCollection _services;

    internal ModuleMessaging(IServiceCollection services, string module)
    {
        _services = services;
        Module = module;
    }

    public string Module { get; }

    /// <summary>"I consume these subjects as this durable with these handlers."</summary>
    public ModuleMessaging AddConsumer(string durableName, Action<ConsumerBuilder> build)
    {
        _services.AddConsumer(Module, durableName, build);
        return this;
    }

    /// <summary>"I append events of this type to the ledger."</summary>
    public ModuleMessaging Publishes(IEventType type)
    {
        _services.AddSingleton<ModuleDeclaration>(new ModulePublication(Module, type));
        return this;
    }

    /// <summary>"I read the ledger this way" (from the leader to decide, by direct get to show).</summary>
    public ModuleMessaging ReadsLedger(LedgerReads reads)
    {
        _services.AddSingleton<ModuleDeclaration>(new ModuleLedgerReads(Module, reads));
        return this;
    }

    public ModuleMessaging AddKeyValueBucket(KeyValueBucketDefinition bucket)
    {
        _services.AddSingleton(bucket);
        _services.AddSingleton<ModuleDeclaration>(new ModuleBucket(Module, bucket));
        return this;
    }
}
