using System.Net;
using System.Text.Json.Nodes;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.ApiDescriptions;

/// <summary>A running host and one API description it serves, fetched once for the fixture's tests.</summary>
public abstract class ServedDocumentFixture(string path, IReadOnlyDictionary<string, string?>? settings = null) : OrderHostFixture
{
    /// <summary>The document as served, byte for byte, for the validators.</summary>
    protected string Served { get; private set; } = string.Empty;

    protected JsonNode Document { get; private set; } = new JsonObject();

    protected override IReadOnlyDictionary<string, string?>? HostSettings => settings;

    [OneTimeSetUp]
    public async Task FetchDocumentAsync()
    {
        var response = await Host.Api.GetAsync(path);
        Assert.That(response.Status, Is.EqualTo(HttpStatusCode.OK), $"{response}");
        Served = response.Body;
        Document = JsonNode.Parse(Served)!;
    }

    /// <summary>Writes the served document to a file of the test's own, for a validator run as a process.</summary>
    protected async Task<string> WriteServedAsync(string name)
    {
        var file = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"{name}-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, Served);
        return file;
    }
}
