using OrderHost.Messaging.Events;
using OrderHost.Messaging.Ledger;

namespace OrderHost.Tests.Kernel;

/// <summary>A ledger that is not about orders, with one event: what a host of another domain would name.</summary>
internal static class ShipmentLedger
{
    public const string Module = "Shipping";
    public const string PackedConsumer = "shipping-packed";
    public const string PackedStep = "packed";

    public static LedgerDefinition Definition { get; } = new(
        Entity: "shipment",
        StreamName: "SHIPMENTS",
        SubjectRoot: "shipments",
        DeadLetterStreamName: "SHIPMENTS_DLQ",
        DeadLetterSubjectRoot: "dlq.shipments",
        AdvisoryStreamName: "SHIPMENTS_ADVISORIES");

    public static readonly EventType<ShipmentPacked> Packed = new(
        "shipments." + PackedStep, ShipmentPacked.CurrentVersion, ShipmentJsonContext.Default.ShipmentPacked, e => e.ShipmentId == Guid.Empty ? "shipmentId is empty" : null);

    public static string HistoryOf(Guid shipmentId) => $"shipments.*.{shipmentId:D}";
}
