using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// A real HTTP endpoint on a free loopback port that records every webhook call and answers as a
/// test tells it to (a status code, or a delay longer than the sender's time-out).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _calls = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>Decides the answer to call number n (1-based) for one webhook id.</summary>
    public Func<string, int, (int Status, TimeSpan Delay)> Behaviour { get; set; } = (_, _) => (StatusCodes.Status204NoContent, TimeSpan.Zero);

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Calls => [.. _calls];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/orders", receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Url = new Uri(new Uri(address), "/hooks/orders");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var id = context.Request.Headers["webhook-id"].ToString();
        var call = new ReceivedWebhook(
            id,
            context.Request.Headers["webhook-timestamp"].ToString(),
            context.Request.Headers["webhook-signature"].ToString(),
            context.Request.ContentType,
            body);
        _calls.Enqueue(call);
        var attempt = _calls.Count(c => c.Id == id);
        var (status, delay) = Behaviour(id, attempt);
        if (delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // the sender gave up, as it should after its time-out
            }
        }

        context.Response.StatusCode = status;
    }
}

public sealed record ReceivedWebhook(string Id, string Timestamp, string Signature, string? ContentType, string Body);
