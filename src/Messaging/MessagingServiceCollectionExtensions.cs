using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Connections;
using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.DeadLetters;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.KeyValue;
using OrderHost.Messaging.Ledger;
using OrderHost.Messaging.Publishing;
using OrderHost.Messaging.Topology;

namespace OrderHost.Messaging;

/// <summary>How the host and the modules plug into the messaging kernel.</summary>
public static class MessagingServiceCollectionExtensions
{
    /// <summary>Connections, JetStream topology, dead letters and diagnostics. Safe to call more than once.</summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(MessagingMarker)))
        {
            return services;
        }

        services.AddSingleton<MessagingMarker>();
        services.AddOptions<NatsOptions>().Bind(configuration.GetSection(NatsOptions.SectionName))
            .Validate(
                o => o.PingInterval > TimeSpan.Zero && o.MaxPingsOut >= 1 && o.PublishAttemptTimeout > TimeSpan.Zero,
                "Nats:PingInterval and Nats:PublishAttemptTimeout must be positive and Nats:MaxPingsOut at least 1.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddSingleton<ClientDropMetrics>();
        services.AddSingleton<NatsConnections>();
        services.AddSingleton(sp => sp.GetRequiredService<NatsConnections>().Connection(MessagingIdentities.Default));
        services.AddSingleton(sp => sp.GetRequiredService<NatsConnections>().JetStream(MessagingIdentities.Default));

        services.AddSingleton<MessagingStatus>();
        services.AddSingleton<ProcessActivity>();
        services.AddSingleton<MessagingMetrics>();
        services.AddSingleton<TopologyProvisioner>();
        services.AddHostedService(sp => sp.GetRequiredService<TopologyProvisioner>());
        services.AddHostedService<DurabilityCheck>();
        services.AddHostedService<JetStreamStatsPoller>();

        // Operator tools speak as the operator identity.
        services.AddSingleton(sp => new DeadLetterStore(
            sp.GetRequiredService<NatsConnections>().JetStream(MessagingIdentities.Operator), sp.GetRequiredService<IOptions<NatsOptions>>()));
        services.AddSingleton(sp => new ConsumerReplay(
            sp.GetRequiredService<NatsConnections>().JetStream(MessagingIdentities.Operator), sp.GetRequiredService<IOptions<NatsOptions>>()));
        services.AddSingleton(sp => new ConsumerPause(
            sp.GetRequiredService<NatsConnections>().JetStream(MessagingIdentities.Operator), sp.GetRequiredService<IOptions<NatsOptions>>()));
        services.AddHostedService(sp => new DeadLetterAdvisoryWorker(
            sp.GetRequiredService<NatsConnections>().JetStream(MessagingIdentities.Operator),
            sp.GetRequiredService<TopologyProvisioner>(),
            WriterFor(sp, MessagingIdentities.Operator),
            sp.GetRequiredService<MessagingStatus>(),
            sp.GetRequiredService<IOptions<NatsOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<DeadLetterAdvisoryWorker>>()));
        return services;
    }

    /// <summary>Starts a module's messaging declarations and gives the module its keyed ledger and buckets.</summary>
    public static ModuleMessaging AddModuleMessaging(this IServiceCollection services, IConfiguration configuration, string module)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(module);
        services.AddMessaging(configuration);
        services.AddSingleton(new ModuleIdentity(module));
        services.AddKeyedSingleton<IEventLedger>(module, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<NatsOptions>>().Value;
            var connections = sp.GetRequiredService<NatsConnections>();
            var retry = new PublishRetry(options.PublishAttemptTimeout, options.RequestTimeout, connections.Reconnects(module), sp.GetRequiredService<TimeProvider>());
            return new JetStreamLedger(connections.JetStream(module), options.Stream.Name, options.RequestTimeout, sp.GetRequiredService<MessagingMetrics>(), retry);
        });
        services.AddKeyedSingleton<IKeyValueStores>(module, (sp, _) => new KeyValueStores(
            module, sp.GetRequiredService<NatsConnections>(), sp.GetRequiredService<TopologyProvisioner>()));
        return new ModuleMessaging(services, module);
    }

    /// <summary>
    /// Declares a durable pull consumer and its handlers. The declaration is also what provisions
    /// the consumer, so code and server cannot disagree. Settings come from <c>Nats:Consumers</c>,
    /// then the module's <see cref="ConsumerBuilder.Configure"/>, then <c>Nats:Consumers:{durableName}</c>.
    /// </summary>
    internal static IServiceCollection AddConsumer(this IServiceCollection services, string identity, string durableName, Action<ConsumerBuilder> build)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(durableName);
        var builder = new ConsumerBuilder(services);
        build(builder);
        if (builder.Routes.Count == 0)
        {
            throw new InvalidOperationException($"Consumer '{durableName}' handles no subject.");
        }

        services.AddSingleton(sp => CreateDefinition(sp, identity, durableName, builder));
        services.AddSingleton<IHostedService>(sp =>
        {
            var definition = sp.GetServices<ConsumerDefinition>().Single(d => d.DurableName == durableName);
            var options = sp.GetRequiredService<IOptions<NatsOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger($"OrderHost.Messaging.Consumer.{durableName}");
            var timeProvider = sp.GetRequiredService<TimeProvider>();
            var metrics = sp.GetRequiredService<MessagingMetrics>();
            var jetStream = sp.GetRequiredService<NatsConnections>().JetStream(identity);
            var processor = new MessageProcessor(definition, options.Stream.Name, sp, WriterFor(sp, identity), metrics, timeProvider, logger);
            return new ConsumerWorker(
                definition,
                options.Stream.Name,
                jetStream,
                sp.GetRequiredService<TopologyProvisioner>(),
                processor,
                sp.GetRequiredService<MessagingStatus>(),
                metrics,
                timeProvider,
                options.Consumers.LagInterval,
                sp.GetRequiredService<ProcessActivity>(),
                sp.GetRequiredService<NatsConnections>().Reconnects(identity),
                logger);
        });
        return services;
    }

    private static DeadLetterWriter WriterFor(IServiceProvider services, string identity) => new(
        services.GetRequiredService<NatsConnections>().JetStream(identity),
        services.GetRequiredService<MessagingMetrics>(),
        services.GetRequiredService<TimeProvider>());

    private static ConsumerDefinition CreateDefinition(IServiceProvider services, string module, string durableName, ConsumerBuilder builder)
    {
        var defaults = services.GetRequiredService<IOptions<NatsOptions>>().Value.Consumers;
        var settings = new ConsumerSettings
        {
            MaxDeliver = defaults.MaxDeliver,
            AckWait = defaults.AckWait,
            NakDelays = defaults.NakDelays,
            MaxRetryDelay = defaults.MaxRetryDelay,
            MaxConcurrency = defaults.MaxConcurrency,
            PullBatch = defaults.PullBatch,
            MaxAckPending = defaults.MaxAckPending,
            DoubleAck = defaults.DoubleAck,
            HandlerTimeout = defaults.HandlerTimeout,
        };
        builder.ApplyTweaks(settings);

        // Bind onto an empty schedule: the binder would append configured delays to the inherited ones.
        var inherited = settings.NakDelays;
        settings.NakDelays = [];
        services.GetRequiredService<IConfiguration>()
            .GetSection($"{NatsOptions.SectionName}:Consumers:{durableName}")
            .Bind(settings);
        if (settings.NakDelays.Length == 0)
        {
            settings.NakDelays = inherited;
        }
        Validate(durableName, settings);
        return new ConsumerDefinition(module, durableName, builder.Routes, settings);
    }

    private static void Validate(string durableName, ConsumerSettings settings)
    {
        if (settings.MaxDeliver is 0 or < -1 || settings.MaxConcurrency < 1 || settings.PullBatch < 1 || settings.MaxAckPending < 1 || settings.MaxRetryDelay <= TimeSpan.Zero)
        {
            throw new OptionsValidationException(
                durableName, typeof(ConsumerSettings), ["MaxDeliver must be -1 (no limit) or at least 1; MaxConcurrency, PullBatch and MaxAckPending at least 1; MaxRetryDelay positive."]);
        }

        if (settings.Start == ConsumerStart.ByStartTime && settings.StartTime is null)
        {
            throw new OptionsValidationException(durableName, typeof(ConsumerSettings), ["Start ByStartTime needs a StartTime."]);
        }

        // A handler still running when AckWait ends would be redelivered to another handler while it runs.
        if (settings.AckWait < TimeSpan.FromSeconds(1) || settings.EffectiveHandlerTimeout <= TimeSpan.Zero || settings.EffectiveHandlerTimeout >= settings.AckWait)
        {
            throw new OptionsValidationException(
                durableName, typeof(ConsumerSettings), [$"AckWait must be at least 1 s and HandlerTimeout ({settings.EffectiveHandlerTimeout}) positive and shorter than AckWait ({settings.AckWait})."]);
        }
    }

    private sealed class MessagingMarker;
}
