namespace OrderHost.Messaging.Diagnostics;

/// <summary>What the monitoring endpoints answered: the servers read, and why the others could not be.</summary>
internal sealed record ServerSyncReadout(IReadOnlyList<ServerSync> Servers, IReadOnlyList<string> Problems)
{
    public ServerSync? For(string? server) => Servers.FirstOrDefault(s => string.Equals(s.Server, server, StringComparison.Ordinal));

    /// <summary>Why <paramref name="server"/>'s setting is not among <see cref="Servers"/>.</summary>
    public string WhyMissing(string? server)
    {
        var reasons = new List<string>(Problems);
        if (Servers.Count > 0)
        {
            reasons.Add($"the monitoring URLs answered for {string.Join(", ", Servers.Select(s => s.Server))}, not {server ?? "the stream's server"}");
        }

        return reasons.Count > 0 ? string.Join("; ", reasons) : "no monitoring URL answered";
    }
}
