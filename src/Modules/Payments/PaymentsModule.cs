using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OrderHost.Payments.Features.ChargeOrder;
using OrderHost.Payments.Infrastructure;

namespace OrderHost.Payments;

/// <summary>The Payments module's one entry point: its services and its subscription table.</summary>
public static class PaymentsModule
{
    public const string Name = "Payments";

    public static IHostApplicationBuilder AddPaymentsModule(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<PaymentsOptions>()
            .Bind(builder.Configuration.GetSection(PaymentsOptions.SectionName))
            .Validate(o => o.ApprovalLimit > 0, "Payments:ApprovalLimit must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<IPaymentGateway, ApprovalLimitGateway>();
        services.AddSingleton<PaymentsMetrics>();

        services.AddModuleMessaging(Name)
            .Publishes(PaymentEvents.Succeeded)
            .Publishes(PaymentEvents.Failed)
            .ReadsLedger(LedgerReads.FromLeader)
            .AddConsumer(PaymentConsumers.Processor, c => c
                .On<OrderCreated, ChargeOrderHandler>(OrderEvents.Created));
        return builder;
    }
}
