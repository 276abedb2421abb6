global using Microsoft.Extensions.Logging;
global using OrderHost.Messaging;
global using OrderHost.Orders.Contracts;
global using OrderHost.Notifications.Contracts;
global using OrderHost.Payments.Contracts;
