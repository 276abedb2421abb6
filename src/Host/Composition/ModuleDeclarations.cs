using OrderHost.Messaging;
using OrderHost.Messaging.Consuming;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Host.Composition;

/// <summary>
/// What modules declare about NATS, read from their own registrations in a scratch container that is never started:
/// their consumers, publications, ledger reads and buckets, whichever modules this process runs.
/// </summary>
public sealed class ModuleDeclarations
{
    private ModuleDeclarations(LedgerDefinition ledger, IReadOnlyList<ConsumerDefinition> consumers, IReadOnlyList<ModuleDeclaration> declarations)
    {
        Ledger = ledger;
        Consumers = consumers;
        Publications = [.. declarations.OfType<ModulePublication>()];
        LedgerReads = [.. declarations.OfType<ModuleLedgerReads>()];
        Buckets = [.. declarations.OfType<ModuleBucket>()];
    }

    /// <summary>The ledger the modules share.</summary>
    public LedgerDefinition Ledger { get; }

    /// <summary>Every durable consumer, in declaration order.</summary>
    public IReadOnlyList<ConsumerDefinition> Consumers { get; }

    public IReadOnlyList<ModulePublication> Publications { get; }

    public IReadOnlyList<ModuleLedgerReads> LedgerReads { get; }

    public IReadOnlyList<ModuleBucket> Buckets { get; }

    public static ModuleDeclarations Of(IEnumerable<HostedModule> modules)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddMessaging(builder.Configuration, ModuleTable.Ledger);
        foreach (var module in modules)
        {
            module.Register(builder);
        }

        using var services = builder.Services.BuildServiceProvider();
        return new ModuleDeclarations(services.GetRequiredService<LedgerDefinition>(), [.. services.GetServices<ConsumerDefinition>()], [.. services.GetServices<ModuleDeclaration>()]);
    }
}
