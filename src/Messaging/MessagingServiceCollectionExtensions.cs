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
    /// <summary>
    /// Connections, JetStream topology, dead letters and diagnostics for the ledger the host serves. Safe to call
    /// more than once with the same ledger; modules are added after it.
    /// </summary>
    public static IServiceCollection AddMessaging(this IServiceCollection services, IConfiguration configuration, LedgerDefinition ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        if (LedgerOf(services) is { } served)
        {
            return served == ledger
                ? services
                : throw new InvalidOperationException($"The messaging kernel serves the ledger {served.StreamName} already; one host serves one ledger.");
        }

        ledger.Validate();
        services.AddSingleton(ledger);
        services.AddSingleton<DeadLetterSubjects>();
        services.AddOptions<NatsOptions>().Bind(configuration.GetSection(NatsOptions.SectionName))
            .PostConfigure(o => o.Serve(ledger))
            .Validate(
                o => o.PingInterval > TimeSpan.Zero && o.MaxPingsOut >= 1 && o.PublishAttemptTimeout > TimeSpan.Zero,
                "Nats:PingInterval and Nats:PublishAttemptTimeout must be positive and Nats:MaxPingsOut at least 1.")
            .Validate(
                o => o.UncapturedSubjects(ledger).Count == 0,
                $"Nats:Stream:Subjects must capture {ledger.SubjectRoot}.> and Nats:DeadLetterStream:Subjects {ledger.DeadLetterSubjectRoot}.>: the kernel appends there.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();

        services.AddSingleton<ClientDropMetrics>();
        services.AddSingleton<NatsConnections>();
        services.AddSingleton(sp => sp.GetRequiredService<NatsConnections>().Connection(MessagingIdentities.Default));
        services.AddSingleton(sp => sp.GetRequiredService<NatsConnections>().JetStream(MessagingIdentities.Default));
        AddPerIdentityServices(services);

        services.AddSingleton<MessagingStatus>();
        services.AddSingleton<ProcessActivity>();
        services.AddSingleton<MessagingMetrics>();
        services.AddSingleton<TopologyProvisioner>();
        services.AddHostedService(sp => sp.GetRequiredService<TopologyProvisioner>());
        services.AddHostedService<DurabilityCheck>();
        services.AddHostedService<JetStreamStatsPoller>();

        // Operator tools and the advisory worker speak as the operator identity (their constructors ask for its keyed services).
        services.AddSingleton<DeadLetterStore>();
        services.AddSingleton<ConsumerReplay>();
        services.AddSingleton<ConsumerPause>();
        services.AddHostedService<DeadLetterAdvisoryWorker>();
        return services;
    }

    /// <summary>
    /// Starts a module's messaging declarations and gives the module its keyed ledger and buckets. The host adds the
    /// kernel (<see cref="AddMessaging"/>) first: it names the ledger every module shares.
    /// </summary>
    public static ModuleMessaging AddModuleMessaging(this IServiceCollection services, string module)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(module);
        if (LedgerOf(services) is null)
        {
            throw new InvalidOperationException($"Module '{module}' is added before the messaging kernel: call AddMessaging(configuration, ledger) first.");
        }

        services.AddSingleton(new ModuleIdentity(module));
        services.AddKeyedSingleton<IEventLedger>(module, (sp, key) =>
        {
            var options = sp.GetRequiredService<IOptions<NatsOptions>>().Value;
            return ActivatorUtilities.CreateInstance<JetStreamLedger>(
                sp, sp.GetRequiredKeyedService<INatsJSContext>(key), options.Stream.Name, options.RequestTimeout, sp.GetRequiredKeyedService<PublishRetry>(key));
        });
        services.AddKeyedSingleton<IKeyValueStores>(module, (sp, _) => ActivatorUtilities.CreateInstance<KeyValueStores>(sp, module));
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
            // Only what is particular to this consumer is passed; everything it shares with the others comes from the container.
            var definition = sp.GetServices<ConsumerDefinition>().Single(d => d.DurableName == durableName);
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger($"OrderHost.Messaging.Consumer.{durableName}");
            var processor = ActivatorUtilities.CreateInstance<MessageProcessor>(sp, definition, sp.GetRequiredKeyedService<DeadLetterWriter>(identity), logger);
            return ActivatorUtilities.CreateInstance<ConsumerWorker>(
                sp, definition, sp.GetRequiredKeyedService<INatsJSContext>(identity), sp.GetRequiredKeyedService<ReconnectSignal>(identity), processor, logger);
        });
        return services;
    }

    /// <summary>What each identity (a module's name, or the operator) talks to NATS with, keyed by the identity.</summary>
    private static void AddPerIdentityServices(IServiceCollection services)
    {
        services.AddKeyedSingleton<INatsJSContext>(KeyedService.AnyKey, (sp, key) => sp.GetRequiredService<NatsConnections>().JetStream(IdentityOf(key)));
        services.AddKeyedSingleton<ReconnectSignal>(KeyedService.AnyKey, (sp, key) => sp.GetRequiredService<NatsConnections>().Reconnects(IdentityOf(key)));
        services.AddKeyedSingleton<DeadLetterWriter>(
            KeyedService.AnyKey, (sp, key) => ActivatorUtilities.CreateInstance<DeadLetterWriter>(sp, sp.GetRequiredKeyedService<INatsJSContext>(key)));
        services.AddKeyedSingleton<PublishRetry>(KeyedService.AnyKey, (sp, key) =>
        {
            var options = sp.GetRequiredService<IOptions<NatsOptions>>().Value;
            return new PublishRetry(options.PublishAttemptTimeout, options.RequestTimeout, sp.GetRequiredKeyedService<ReconnectSignal>(key), sp.GetRequiredService<TimeProvider>());
        });
    }

    private static string IdentityOf(object? key)
        => key as string ?? throw new InvalidOperationException($"A messaging identity is a name, not {key ?? "null"}.");

    private static LedgerDefinition? LedgerOf(IServiceCollection services)
        => services.FirstOrDefault(d => d.ServiceType == typeof(LedgerDefinition) && !d.IsKeyedService)?.ImplementationInstance as LedgerDefinition;

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
}
