namespace OrderHost.Messaging.Connections;

/// <summary>A module that speaks to NATS as itself: its connection is opened at start, so bad credentials show as not ready at once.</summary>
internal sealed record ModuleIdentity(string Name);
