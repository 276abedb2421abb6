using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using OrderHost.Messaging.KeyValue;
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
        services.AddMessaging(builder.Configuration);
        services.TryAddSingleton<INotificationSender, LogNotificationSender>();
        services.AddSingleton<NotificationsMetrics>();
        services.AddSingleton<SentNotifications>();
        services.AddScoped<CustomerNotifier>();
        services.AddKeyValueBucket(new KeyValueBucketDefinition(SentNotifications.Bucket));

        services.AddConsumer(NotificationConsumers.Paid, c => c
            .On<PaymentSucceeded, NotifyPaidHandler>(PaymentEvents.Succeeded));
        services.AddConsumer(NotificationConsumers.Failed, c => c
            .On<PaymentFailed, NotifyFailedHandler>(PaymentEvents.Failed));
        return builder;
    }
}
