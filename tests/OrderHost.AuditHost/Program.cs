using OrderHost.Host;
using OrderHost.Host.Composition;
using OrderHost.Modules.Audit;

// The shipped host with one more row in its module table (no container HEALTHCHECK probe: it runs only under the tests).
var app = OrderHostApplication.Build(args, b => b.AddModule(new(AuditModule.Name, typeof(AuditModule).Assembly, m => m.AddAuditModule())));
await app.RunAsync();
