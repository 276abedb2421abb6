using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OrderHost.Messaging;
using OrderHost.Messaging.Consuming;
using OrderHost.Payments.Contracts;

namespace OrderHost.Modules.Audit;

/// <summary>
/// A fourth module kept in the test tree: it counts paid orders with a durable of its own that starts at new
/// messages, as a module added to a running system would, and logs each order it counts. Its one entry point is
/// <see cref="AddAuditModule"/>; a host takes it with one line, <c>builder.AddModule(new(AuditModule.Name, …))</c>.
/// </summary>
public static class AuditModule
{
    public const string Name = "Audit";
    public const string PaidConsumer = "audit-paid";

    public static IHostApplicationBuilder AddAuditModule(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<PaidOrderAudit>();
        builder.Services.AddModuleMessaging(Name)
            .AddConsumer(PaidConsumer, c => c
                .On<PaymentSucceeded, CountPaidHandler>(PaymentEvents.Succeeded)
                .Configure(s => s.Start = ConsumerStart.New));
        return builder;
    }
}
