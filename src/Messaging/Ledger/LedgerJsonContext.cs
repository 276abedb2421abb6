using System.Text.Json.Serialization;

namespace OrderHost.Messaging.Ledger;

internal sealed record LastBySubjectRequest([property: JsonPropertyName("last_by_subj")] string LastBySubject);

internal sealed record NextBySubjectRequest(
    [property: JsonPropertyName("seq")] ulong Sequence,
    [property: JsonPropertyName("next_by_subj")] string NextBySubject);

internal sealed record MultiLastRequest(
    [property: JsonPropertyName("multi_last")] IReadOnlyList<string> MultiLast,
    [property: JsonPropertyName("batch")] int Batch);

internal sealed record StreamMessageResponse(
    [property: JsonPropertyName("message")] StreamMessage? Message,
    [property: JsonPropertyName("error")] ApiErrorBody? Error);

internal sealed record StreamMessage(
    [property: JsonPropertyName("subject")] string Subject,
    [property: JsonPropertyName("seq")] ulong Seq,
    [property: JsonPropertyName("time")] string? Time,
    [property: JsonPropertyName("data")] byte[]? Data);

internal sealed record ApiErrorBody(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("err_code")] int ErrCode,
    [property: JsonPropertyName("description")] string? Description);

[JsonSerializable(typeof(LastBySubjectRequest))]
[JsonSerializable(typeof(NextBySubjectRequest))]
[JsonSerializable(typeof(MultiLastRequest))]
[JsonSerializable(typeof(StreamMessageResponse))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
