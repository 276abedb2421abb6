namespace OrderHost.Host.OperatorConsole;

/// <summary>Bound from <c>Admin:Console</c>; the console itself is on whenever <c>Admin:ApiKey</c> is set.</summary>
internal sealed class ConsoleOptions
{
    public const string SectionName = "Admin:Console";

    /// <summary>How many of the newest <c>ORDERS</c> messages a lookup by correlation id reads (headers only).</summary>
    public int CorrelationScanMessages { get; set; } = 50_000;

    /// <summary>How many dead letters, oldest first, a page or an order's timeline looks through at most.</summary>
    public int DeadLetterScanEntries { get; set; } = 1_000;

    /// <summary>How often the overview's charts take a sample (consumer lag, orders per minute).</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a sign-in lasts without use.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);
}
