using OrderHost.Host.ApiDescriptions;
using OrderHost.Host.Composition;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Host.OperatorConsole.Reads;

/// <summary>
/// Which module owns each step and durable consumer, and which modules this process runs: in a split
/// deployment the console shows everything the server holds and says where the rest runs. Read from the
/// same declarations as the AsyncAPI document, so it names every module whichever run here.
/// </summary>
internal sealed class ModuleMap
{
    private readonly Dictionary<string, string> _stepOwners;
    private readonly Dictionary<string, string> _consumerOwners;

    public ModuleMap(ModuleRoster roster)
    {
        _stepOwners = SubscriptionTables.Events().ToDictionary(e => e.Subject, e => e.Module, StringComparer.Ordinal);
        _consumerOwners = SubscriptionTables.All().ToDictionary(c => c.DurableName, c => c.Module, StringComparer.Ordinal);
        Modules = [.. roster.Known.Select(k => k.Name)
            .Select(m => new ModuleRow(
                m,
                roster.Runs(m),
                [.. _stepOwners.Where(s => s.Value == m).Select(s => s.Key).Order(StringComparer.Ordinal)],
                [.. _consumerOwners.Where(c => c.Value == m).Select(c => c.Key).Order(StringComparer.Ordinal)]))];
    }

    public IReadOnlyList<ModuleRow> Modules { get; }

    /// <summary>The module publishing the step of a concrete subject (<c>orders.paid.{id}</c>), or null for a subject no module declares.</summary>
    public string? OwnerOfSubject(string subject)
        => LedgerSubjects.StepOf(subject) is { } step ? _stepOwners.GetValueOrDefault(step) : null;

    public string? OwnerOfConsumer(string durable) => _consumerOwners.GetValueOrDefault(durable);

    public bool RunsHere(string? module) => module is not null && Modules.Any(m => m.Name == module && m.RunsHere);
}

/// <summary>A module, whether this process runs it, and what it owns.</summary>
internal sealed record ModuleRow(string Name, bool RunsHere, IReadOnlyList<string> Steps, IReadOnlyList<string> Consumers);
