namespace OrderHost.Messaging.Consuming;

/// <summary>One durable pull consumer: its name, its subjects (one route each) and its settings.</summary>
public sealed class ConsumerDefinition
{
    internal ConsumerDefinition(string durableName, IReadOnlyDictionary<string, IMessageRoute> routes, ConsumerSettings settings)
    {
        DurableName = durableName;
        Routes = routes;
        Settings = settings;
        SubjectList = string.Join(", ", routes.Keys.Order(StringComparer.Ordinal));
    }

    public string DurableName { get; }

    public IReadOnlyCollection<string> Subjects => (IReadOnlyCollection<string>)Routes.Keys;

    /// <summary>The subjects as one readable string, for logs.</summary>
    public string SubjectList { get; }

    public ConsumerSettings Settings { get; }

    internal IReadOnlyDictionary<string, IMessageRoute> Routes { get; }
}
