using OrderHost.Host.Composition;
using OrderHost.Modules.Audit;

namespace OrderHost.Tests.Modules.Audit;

/// <summary>The audit module's row for a host's module table, as tests/OrderHost.AuditHost adds it.</summary>
internal static class AuditModuleEntry
{
    public static readonly HostedModule Entry = new(AuditModule.Name, typeof(AuditModule).Assembly, b => b.AddAuditModule());
}
