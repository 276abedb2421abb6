using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrderHost.Messaging.KeyValue;
using OrderHost.Orders.Features.PlaceOrder;
using OrderHost.Orders.Features.ProjectOrder;
using OrderHost.Orders.Infrastructure;

namespace OrderHost.Orders;

/// <summary>The Orders module's one entry point: its services, its buckets and its subscription table. Its HTTP endpoints live in this assembly.</summary>
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
        services.AddModuleMessaging(builder.Configuration, Name)
            .AddKeyValueBucket(new KeyValueBucketDefinition(OrderReadModel.Bucket))
            .AddKeyValueBucket(new KeyValueBucketDefinition(IdempotencyRecords.Bucket, MaxAge: lifetime))
            .AddConsumer(OrderConsumers.Projection, c => c
                // Its writes are create-only steps, so a redelivery after a lost ack is harmless:
                // a plain ack saves a round trip on each of an order's three events.
                .Configure(s => s.DoubleAck = false)
                .On<OrderCreated, OrderProjector>(OrderEvents.Created)
                .On<PaymentSucceeded, OrderProjector>(PaymentEvents.Succeeded)
                .On<PaymentFailed, OrderProjector>(PaymentEvents.Failed)
                .On<CustomerNotified, OrderProjector>(NotificationEvents.Notified));
        return builder;
    }
}
