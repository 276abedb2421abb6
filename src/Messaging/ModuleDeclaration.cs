using OrderHost.Messaging.Events;
using OrderHost.Messaging.KeyValue;

namespace OrderHost.Messaging;

/// <summary>
/// What a module said it does on NATS besides consuming (consumers are <see cref="Consuming.ConsumerDefinition"/>s):
/// the events it publishes, how it reads the ledger, the buckets it owns. The NATS permissions and the event
/// schemas are generated from these.
/// </summary>
public abstract record ModuleDeclaration(string Module);

/// <summary>The module appends this event type to the ledger.</summary>
public sealed record ModulePublication(string Module, IEventType Event) : ModuleDeclaration(Module);

/// <summary>The module reads the ledger this way.</summary>
public sealed record ModuleLedgerReads(string Module, LedgerReads Reads) : ModuleDeclaration(Module);

/// <summary>The module owns this key-value bucket.</summary>
public sealed record ModuleBucket(string Module, KeyValueBucketDefinition Bucket) : ModuleDeclaration(Module);
