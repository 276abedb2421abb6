using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OrderHost.Notifications.Features.NotifyCustomer;
using OrderHost.Notifications.Infrastructure;

namespace OrderHost.Notifications;

/// <summary>The Notifications module's one entry point: its services and its subscription table.</summary>
public static class NotificationsModule
{
    public const string Name = "Notifications";

    public static IHostApplicationBuilder AddNotificationsModule(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(NotificationsOptions.SectionName);
        services.AddOptions<NotificationsOptions>()
            .Bind(section)
            .Validate(o => o.Webhook.Url is null || o.Webhook.Url.IsAbsoluteUri, "Notifications:Webhook:Url must be an absolute URL.")
            .Validate(o => o.Webhook.Timeout > TimeSpan.Zero, "Notifications:Webhook:Timeout must be positive.")
            .ValidateOnStart();
        if (section.GetSection("Webhook").GetValue<Uri?>("Url") is not null)
        {
            // The sender enforces its own per-attempt time-out; the client's default must not cut in first.
            services.AddHttpClient<WebhookNotificationSender>(c => c.Timeout = Timeout.InfiniteTimeSpan);
            services.TryAddTransient<INotificationSender>(sp => sp.GetRequiredService<WebhookNotificationSender>());
        }

        services.TryAddSingleton<INotificationSender, LogNotificationSender>();
        services.AddSingleton<NotificationsMetrics>();
        services.AddScoped<CustomerNotifier>();

        services.AddModuleMessaging(Name)
            .Publishes(NotificationEvents.Notified)
            .ReadsLedger(LedgerReads.FromLeader)
            .AddConsumer(NotificationConsumers.Paid, c => c
                .On<PaymentSucceeded, NotifyPaidHandler>(PaymentEvents.Succeeded))
            .AddConsumer(NotificationConsumers.Failed, c => c
                .On<PaymentFailed, NotifyFailedHandler>(PaymentEvents.Failed));
        return builder;
    }
}
