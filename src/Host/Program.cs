using OrderHost.Host;

var app = OrderHostApplication.Build(args);
await app.RunAsync();
