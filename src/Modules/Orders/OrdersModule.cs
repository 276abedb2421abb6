using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.KeyValue;
using OrderHost.Orders.Features.PlaceOrder;
using OrderHost.Orders.Infrastructure;

namespace OrderHost.Orders;

/// <summary>The Orders module's one entry point: its services, what it publishes and its bucket; it consumes nothing. Its HTTP endpoints live in this assembly.</summary>
public static class OrdersModule
{
    public const string Name = "Orders";

    public static IHostApplicationBuilder AddOrdersModule(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OrdersOptions>()
            .Bind(builder.Configuration.GetSection(OrdersOptions.SectionName))
            .Validate(o => o.PublishTimeout > TimeSpan.Zero, "Orders:PublishTimeout must be positive.")
            .Validate(o => o.IdempotencyKeyLifetime >= TimeSpan.FromHours(24), "Orders:IdempotencyKeyLifetime must be at least 24 h (the HTTP contract).")
            .ValidateOnStart();
        services.AddSingleton<OrdersMetrics>();
        services.AddSingleton<OrderReadModel>();
        services.AddSingleton<IdempotencyRecords>();
        services.AddSingleton<OrderIntake>();

        var lifetime = builder.Configuration.GetSection(OrdersOptions.SectionName).Get<OrdersOptions>()?.IdempotencyKeyLifetime
            ?? new OrdersOptions().IdempotencyKeyLifetime;
        services.AddModuleMessaging(Name)
            .Publishes(OrderEvents.Created)
            .ReadsLedger(LedgerReads.Direct)
            .AddKeyValueBucket(new KeyValueBucketDefinition(IdempotencyRecords.Bucket, MaxAge: lifetime));
        return builder;
    }
}
