namespace OrderHost.Host.OperatorConsole.Reads;

/// <summary>The trace id of a W3C <c>traceparent</c> header (<c>00-{trace id}-{span id}-{flags}</c>).</summary>
internal static class TraceParent
{
    public static string? TraceIdOf(string? traceparent)
        => traceparent?.Split('-') is [_, { Length: 32 } traceId, _, _] ? traceId : null;
}
