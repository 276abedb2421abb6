using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.Configuration;
using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.DeadLetters;
using OrderHost.Messaging.Diagnostics;
using OrderHost.Messaging.KeyValue;
using OrderHost.Messaging.Publishing;
using OrderHost.Messaging.Topology;

namespace OrderHost.Messaging;

/// <summary>How the host and the modules plug into the messaging kernel.</summary>
public static class MessagingServiceCollectionExtensions
{
    /// <summary>The NATS connection, JetStream topology, publisher and diagnostics. Safe to call more than once.</summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(MessagingMarker)))
        {
            return services;
        }

        services.AddSingleton<MessagingMarker>();
        services.AddOptions<NatsOptions>().Bind(configuration.GetSection(NatsOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddSingleton<INatsConnection>(sp => NatsConnectionFactory.Create(
            sp.GetRequiredService<IOptions<NatsOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<INatsJSContext>(sp =>
        {
            var connection = (NatsConnection)sp.GetRequiredService<INatsConnection>();
            var timeout = sp.GetRequiredService<IOptions<NatsOptions>>().Value.RequestTimeout;
            return new NatsJSContext(connection, new NatsJSOpts(connection.Opts, requestTimeout: timeout));
        });

        services.AddSingleton<MessagingStatus>();
        services.AddSingleton<MessagingMetrics>();
        services.AddSingleton<DeadLetterWriter>();
        services.AddSingleton<IEventPublisher, JetStreamPublisher>();
        services.AddSingleton<TopologyProvisioner>();
        services.AddSingleton<IKeyValueStores>(sp => sp.GetRequiredService<TopologyProvisioner>());
        services.AddHostedService(sp => sp.GetRequiredService<TopologyProvisioner>());
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<ConsumerReplay>();
        services.AddHostedService<DeadLetterAdvisoryWorker>();
        return services;
    }

    /// <summary>Declares a bucket the kernel provisions at start-up.</summary>
    public static IServiceCollection AddKeyValueBucket(this IServiceCollection services, KeyValueBucketDefinition bucket)
    {
        services.AddSingleton(bucket);
        return services;
    }

    /// <summary>
    /// Declares a durable pull consumer and its handlers. The declaration is also what provisions
    /// the consumer, so code and server cannot disagree. Settings come from <c>Nats:Consumers</c>,
    /// then the module's <see cref="ConsumerBuilder.Configure"/>, then <c>Nats:Consumers:{durableName}</c>.
    /// </summary>
    public static IServiceCollection AddConsumer(this IServiceCollection services, string durableName, Action<ConsumerBuilder> build)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(durableName);
        var builder = new ConsumerBuilder(services);
        build(builder);
        if (builder.Routes.Count == 0)
        {
            throw new InvalidOperationException($"Consumer '{durableName}' handles no subject.");
        }

        services.AddSingleton(sp => CreateDefinition(sp, durableName, builder));
        services.AddSingleton<IHostedService>(sp =>
        {
            var definition = sp.GetServices<ConsumerDefinition>().Single(d => d.DurableName == durableName);
            var options = sp.GetRequiredService<IOptions<NatsOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger($"OrderHost.Messaging.Consumer.{durableName}");
            var timeProvider = sp.GetRequiredService<TimeProvider>();
            var metrics = sp.GetRequiredService<MessagingMetrics>();
            var processor = new MessageProcessor(
                definition, options.Stream.Name, sp, sp.GetRequiredService<DeadLetterWriter>(), metrics, timeProvider, logger);
            return new ConsumerWorker(
                definition,
                options.Stream.Name,
                sp.GetRequiredService<INatsJSContext>(),
                sp.GetRequiredService<TopologyProvisioner>(),
                processor,
                sp.GetRequiredService<MessagingStatus>(),
                metrics,
                timeProvider,
                options.Consumers.LagInterval,
                logger);
        });
        return services;
    }

    private static ConsumerDefinition CreateDefinition(IServiceProvider services, string durableName, ConsumerBuilder builder)
    {
        var defaults = services.GetRequiredService<IOptions<NatsOptions>>().Value.Consumers;
        var settings = new ConsumerSettings
        {
            MaxDeliver = defaults.MaxDeliver,
            AckWait = defaults.AckWait,
            NakDelays = defaults.NakDelays,
            MaxConcurrency = defaults.MaxConcurrency,
            PullBatch = defaults.PullBatch,
            MaxAckPending = defaults.MaxAckPending,
            DoubleAck = defaults.DoubleAck,
        };
        builder.ApplyTweaks(settings);
        services.GetRequiredService<IConfiguration>()
            .GetSection($"{NatsOptions.SectionName}:Consumers:{durableName}")
            .Bind(settings);
        Validate(durableName, settings);
        return new ConsumerDefinition(durableName, builder.Routes, settings);
    }

    private static void Validate(string durableName, ConsumerSettings settings)
    {
        if (settings.MaxDeliver < 1 || settings.MaxConcurrency < 1 || settings.PullBatch < 1 || settings.MaxAckPending < 1)
        {
            throw new OptionsValidationException(
                durableName, typeof(ConsumerSettings), ["MaxDeliver, MaxConcurrency, PullBatch and MaxAckPending must be at least 1."]);
        }
    }

    private sealed class MessagingMarker;
}
