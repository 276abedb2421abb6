using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.KeyValueStore;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// Makes every update of one bucket fail as a lost acknowledgement would (a time-out), for one
/// module's identity, while creates, reads and every other bucket reach the real server. Installed
/// through the service provider factory, so it wraps the module's own registration, which is made
/// after the test's configure hook runs.
/// </summary>
public sealed class FailingKeyValueUpdates(string module, string bucket)
{
    private readonly string _module = module;
    private readonly string _bucket = bucket;
    private int _failed;

    public int Failed => Volatile.Read(ref _failed);

    public void InstallIn(WebApplicationBuilder builder) => builder.Host.UseServiceProviderFactory(new Factory(this));

    private Stores Wrap(IKeyValueStores inner) => new(inner, this);

    private sealed class Factory(FailingKeyValueUpdates owner) : IServiceProviderFactory<IServiceCollection>
    {
        public IServiceCollection CreateBuilder(IServiceCollection services)
        {
            var original = services.Last(d => d.ServiceType == typeof(IKeyValueStores) && Equals(d.ServiceKey, owner._module));
            var create = original.KeyedImplementationFactory ?? throw new InvalidOperationException("The module's key-value stores are not made by a factory.");
            services.Remove(original);
            services.AddKeyedSingleton<IKeyValueStores>(owner._module, (sp, key) => owner.Wrap((IKeyValueStores)create(sp, key)));
            return services;
        }

        public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) => containerBuilder.BuildServiceProvider();
    }

    private sealed class Stores(IKeyValueStores inner, FailingKeyValueUpdates owner) : IKeyValueStores
    {
        public async ValueTask<INatsKVStore> GetAsync(string bucket, CancellationToken cancellationToken)
        {
            var store = await inner.GetAsync(bucket, cancellationToken);
            return bucket == owner._bucket ? FailingUpdates.Around(store, owner) : store;
        }
    }

    /// <summary>Forwards every member to the real store except the updates, which throw.</summary>
    public class FailingUpdates : DispatchProxy
    {
        private INatsKVStore? _inner;
        private FailingKeyValueUpdates? _owner;

        internal static INatsKVStore Around(INatsKVStore inner, FailingKeyValueUpdates owner)
        {
            var proxy = Create<INatsKVStore, FailingUpdates>();
            var self = (FailingUpdates)(object)proxy;
            self._inner = inner;
            self._owner = owner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            ArgumentNullException.ThrowIfNull(targetMethod);
            if (targetMethod.Name is nameof(INatsKVStore.UpdateAsync) or nameof(INatsKVStore.TryUpdateAsync))
            {
                Interlocked.Increment(ref _owner!._failed);
                throw new TimeoutException("Injected: the acknowledgement of the key-value update never came.");
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException ex) when (ex.InnerException is not null)
            {
                throw ex.InnerException;
            }
        }
    }
}
