using System.Globalization;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// The dead-letter stream's subjects as an operator reads them: an entry is <c>dlq.orders.{seq}.{step}.{id}</c>,
/// the original <c>orders.{step}.{id}</c> filed under its stream sequence, and a replayed or deleted entry leaves
/// <c>dlq.orders.{seq}.settled</c>. Built from the contracts' step subjects (<c>orders.created</c>), in one place.
/// </summary>
public static class DeadLetterSubject
{
    private const string Root = "dlq.orders";

    /// <summary>Every entry of one step, whatever its sequence and order.</summary>
    public static string OfStep(string stepSubject) => $"{Root}.*.{StepToken(stepSubject)}.*";

    /// <summary>The entry of the message of <paramref name="orderId"/> on <paramref name="stepSubject"/> stored at <paramref name="sequence"/>.</summary>
    public static string Entry(ulong sequence, string stepSubject, Guid orderId)
        => string.Create(CultureInfo.InvariantCulture, $"{Root}.{sequence}.{StepToken(stepSubject)}.{orderId:D}");

    /// <summary>The entry of one original message, whatever its step and order (not its settled marker).</summary>
    public static string EntriesOf(ulong sequence) => string.Create(CultureInfo.InvariantCulture, $"{Root}.{sequence}.*.*");

    /// <summary>Everything stored about one original message: its entry and its settled marker.</summary>
    public static string Key(ulong sequence) => string.Create(CultureInfo.InvariantCulture, $"{Root}.{sequence}.>");

    public static string Settled(ulong sequence) => string.Create(CultureInfo.InvariantCulture, $"{Root}.{sequence}.settled");

    private static string StepToken(string stepSubject) => stepSubject[(stepSubject.IndexOf('.', StringComparison.Ordinal) + 1)..];
}
