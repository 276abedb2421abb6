namespace OrderHost.Messaging.KeyValue;

/// <summary>A key's current value in a bucket and the revision (stream sequence) that wrote it.</summary>
public sealed record KeyRecord(string Key, byte[] Value, ulong Revision);
