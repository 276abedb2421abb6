using FastEndpoints;
using Microsoft.AspNetCore.Http.HttpResults;
using OrderHost.Host.Http;
using OrderHost.Messaging.DeadLetters;
using OrderHost.Messaging.Topology;

namespace OrderHost.Host.Admin;

/// <summary>
/// Operator endpoints: dead letters, consumer replay, pause and resume. Always mapped, so the OpenAPI document is the same
/// whatever the configuration; without <c>Admin:ApiKey</c> every one of them answers 404.
/// </summary>
internal static class AdminEndpoints
{
    public static void MapOrderHostAdmin(this WebApplication app)
    {
        // The filter is also metadata: the OpenAPI document marks the operations it guards with the X-Api-Key scheme.
        var filter = new ApiKeyFilter(ApiKeyCheck.From(app.Configuration));
        var admin = app.MapGroup("/admin")
            .AddEndpointFilter(filter)
            .WithMetadata(filter)
            .WithTags("Admin");
        admin.MapGet("/dead-letters", ListAsync)
            .Describe("listDeadLetters", "List dead letters, oldest first; page on with nextAfter.");
        admin.MapGet("/dead-letters/{seq}", GetAsync)
            .Describe("getDeadLetter", "Read one dead letter: the original subject, data and headers, and why it failed.");
        admin.MapPost("/dead-letters/{seq}/replay", ReplayAsync)
            .Describe("replayDeadLetter", "Publish the original message again for its consumer (202), or report that the order has moved on (200).", StatusCodes.Status409Conflict);
        admin.MapDelete("/dead-letters/{seq}", DeleteAsync)
            .Describe("deleteDeadLetter", "Remove a dead letter without replaying it.");
        admin.MapPost("/consumers/{name}/replay", ReplayConsumerAsync)
            .Describe("replayConsumer", "Move a durable consumer back to a stream sequence or a time: give exactly one of fromSequence or fromTime.", StatusCodes.Status400BadRequest);
        admin.MapPost("/consumers/{name}/pause", PauseConsumerAsync)
            .Describe("pauseConsumer", "Pause a durable consumer until pauseUntil (nats-server 2.11+): nothing is delivered to it until then or until it is resumed.", StatusCodes.Status400BadRequest);
        admin.MapPost("/consumers/{name}/resume", ResumeConsumerAsync)
            .Describe("resumeConsumer", "Resume a paused durable consumer now.");
    }

    /// <summary>The operation id and summary of the OpenAPI document, and the problem answers every operator call can give.</summary>
    private static void Describe(this RouteHandlerBuilder endpoint, string operationId, string summary, params int[] moreProblems)
    {
        endpoint.WithName(operationId).WithSummary(summary);
        foreach (var status in moreProblems.Prepend(StatusCodes.Status404NotFound).Prepend(StatusCodes.Status401Unauthorized))
        {
            endpoint.ProducesProblemDetails(status);
        }
    }

    private static async Task<Ok<DeadLetterPage>> ListAsync(DeadLetterStore store, CancellationToken ct, ulong after = 0, int limit = 20)
    {
        var letters = await store.ListAsync(after, limit, ct);
        var next = letters.Count == Math.Clamp(limit, 1, DeadLetterStore.MaxPageSize) ? letters[^1].Sequence : (ulong?)null;
        return TypedResults.Ok(new DeadLetterPage([.. letters.Select(DeadLetterResponse.From)], next));
    }

    private static async Task<Results<Ok<DeadLetterResponse>, ProblemHttpResult>> GetAsync(ulong seq, DeadLetterStore store, CancellationToken ct)
    {
        var letter = await store.FindAsync(seq, ct);
        return letter is null ? NotFound(seq) : TypedResults.Ok(DeadLetterResponse.From(letter));
    }

    private static async Task<Results<Accepted, Ok<DeadLetterReplayResponse>, ProblemHttpResult>> ReplayAsync(ulong seq, DeadLetterStore store, CancellationToken ct)
        => await store.ReplayAsync(seq, ct) switch
        {
            ReplayResult.Replayed => TypedResults.Accepted((string?)null),
            ReplayResult.AlreadyDone => TypedResults.Ok(new DeadLetterReplayResponse(seq, "already_done", "The order has moved past this step since; nothing was published and the entry was removed.")),
            ReplayResult.NotFound => NotFound(seq),
            _ => TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Original message unavailable",
                detail: $"Dead letter {seq} does not name a message that is still in the stream on the same subject; nothing was replayed."),
        };

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(ulong seq, DeadLetterStore store, CancellationToken ct)
        => await store.DeleteAsync(seq, ct) ? TypedResults.NoContent() : NotFound(seq);

    private static async Task<Results<Ok<ConsumerReplayResponse>, ProblemHttpResult>> ReplayConsumerAsync(
        string name, ConsumerReplayRequest request, ConsumerReplay replay, CancellationToken ct)
    {
        if (request.FromSequence is null == request.FromTime is null)
        {
            const string reason = "Give exactly one of fromSequence or fromTime.";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Say where to replay from",
                detail: reason,
                extensions: new Dictionary<string, object?> { [FieldErrors.Member] = FieldErrors.Of(("fromSequence", reason), ("fromTime", reason)) });
        }

        var result = await replay.ReplayAsync(name, request.FromSequence, request.FromTime, ct);
        return result is { } seq ? TypedResults.Ok(new ConsumerReplayResponse(name, seq)) : NoSuchConsumer(name);
    }

    private static async Task<Results<Ok<ConsumerPauseResponse>, ProblemHttpResult>> PauseConsumerAsync(
        string name, ConsumerPauseRequest request, ConsumerPause pause, TimeProvider time, CancellationToken ct)
    {
        if (request.PauseUntil is not { } until || until <= time.GetUtcNow())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Say until when", detail: "Give pauseUntil, a time in the future.");
        }

        return await pause.PauseAsync(name, until, ct) is { } state
            ? TypedResults.Ok(new ConsumerPauseResponse(name, state.Paused, state.Until))
            : NoSuchConsumer(name);
    }

    private static async Task<Results<Ok<ConsumerPauseResponse>, ProblemHttpResult>> ResumeConsumerAsync(string name, ConsumerPause pause, CancellationToken ct)
        => await pause.ResumeAsync(name, ct) ? TypedResults.Ok(new ConsumerPauseResponse(name, false, null)) : NoSuchConsumer(name);

    private static ProblemHttpResult NoSuchConsumer(string name)
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such consumer", detail: $"Consumer '{name}' does not exist on the stream.");

    private static ProblemHttpResult NotFound(ulong seq)
        => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such dead letter", detail: $"No dead letter at sequence {seq}.");
}
