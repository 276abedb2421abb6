namespace OrderHost.Host.Admin;

/// <summary>Bound from <c>Admin</c>. Without an API key the operator endpoints are not mapped at all.</summary>
internal sealed class AdminOptions
{
    public const string SectionName = "Admin";

    public string? ApiKey { get; set; }
}
