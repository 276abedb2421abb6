using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OrderHost.Notifications;
using OrderHost.Payments;

namespace OrderHost.Tests.Infrastructure;

/// <summary>Swaps the external channels for test doubles; Replace wins whatever the modules register later with TryAdd.</summary>
public static class TestServices
{
    public static Action<WebApplicationBuilder> With(IPaymentGateway? gateway = null, INotificationSender? sender = null) => builder =>
    {
        if (gateway is not null)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(gateway));
        }

        if (sender is not null)
        {
            builder.Services.Replace(ServiceDescriptor.Singleton(sender));
        }
    };
}
