namespace OrderHost.Messaging.Consuming;

/// <summary>One durable pull consumer: its name, its steps (one route each) and its settings.</summary>
public sealed class ConsumerDefinition
{
    internal ConsumerDefinition(string module, string durableName, IReadOnlyDictionary<string, IMessageRoute> routes, ConsumerSettings settings)
    {
        Module = module;
        DurableName = durableName;
        Routes = routes;
        Settings = settings;
        Filters = [.. routes.Keys.Select(Ledger.LedgerSubjects.StepFilter).Order(StringComparer.Ordinal)];
        SubjectList = string.Join(", ", Filters);
    }

    /// <summary>The module whose subscription table declares it.</summary>
    public string Module { get; }

    public string DurableName { get; }

    /// <summary>The step subjects it handles (<c>shipments.packed</c>), one route each.</summary>
    public IReadOnlyCollection<string> Subjects => (IReadOnlyCollection<string>)Routes.Keys;

    /// <summary>Its filter subjects on the server: every entity's message of each step (<c>shipments.packed.*</c>).</summary>
    public IReadOnlyList<string> Filters { get; }

    /// <summary>The subjects as one readable string, for logs.</summary>
    public string SubjectList { get; }

    public ConsumerSettings Settings { get; }

    internal IReadOnlyDictionary<string, IMessageRoute> Routes { get; }
}
