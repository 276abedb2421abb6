using System.Net.Sockets;
using System.Text;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Integration;

/// <summary>
/// JSON answers carry a Content-Length, so an HTTP/1.0 keep-alive client (as ab and other load generators are)
/// keeps its connection: two orders go over one TCP connection, each answer complete and the connection open.
/// </summary>
[TestFixture]
public sealed class KeepAliveTests : OrderHostFixture
{
    private const string Body = """{"customerId":"c-1","items":[{"sku":"SKU-1","quantity":1,"unitPrice":42.5}],"total":42.5}""";

    [Test]
    public async Task Http10_keep_alive_client_posts_two_orders_over_one_connection()
    {
        var address = Host.Api.BaseAddress;
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);

        foreach (var attempt in new[] { "first", "second" })
        {
            var request = $"POST /orders HTTP/1.0\r\nHost: {address.Authority}\r\nConnection: keep-alive\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(Body)}\r\n\r\n{Body}";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request));

            var status = await reader.ReadLineAsync();
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var line = await reader.ReadLineAsync(); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync())
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }

            Assert.That(headers.TryGetValue("Content-Length", out var length), Is.True, $"{attempt} answer has a Content-Length: {status} [{string.Join(", ", headers)}]");
            var content = new char[int.Parse(length!, System.Globalization.CultureInfo.InvariantCulture)];
            await reader.ReadBlockAsync(content);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(status, Does.StartWith("HTTP/1.1 202"), $"{attempt} status");
                Assert.That(headers.GetValueOrDefault("Connection"), Is.Not.EqualTo("close").IgnoreCase, $"{attempt} answer keeps the connection");
                Assert.That(headers.GetValueOrDefault("Content-Type"), Is.EqualTo("application/json; charset=utf-8"), $"{attempt} content type");
                Assert.That(new string(content), Does.Contain("\"orderId\""), $"{attempt} body");
            }
        }
    }
}
