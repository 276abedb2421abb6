namespace OrderHost.Messaging.KeyValue;

/// <summary>A key-value bucket a module needs; the kernel provisions it with the streams.</summary>
/// <param name="Name">Bucket name.</param>
/// <param name="History">Revisions kept per key.</param>
/// <param name="MaxAge">How long a key lives after its last write; zero keeps it forever.</param>
public sealed record KeyValueBucketDefinition(string Name, int History = 1, TimeSpan MaxAge = default);
