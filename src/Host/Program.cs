using OrderHost.Host;

if (args is [HealthProbe.Flag, ..])
{
    return await HealthProbe.RunAsync(args);
}

var app = OrderHostApplication.Build(args);
await app.RunAsync();
return 0;
