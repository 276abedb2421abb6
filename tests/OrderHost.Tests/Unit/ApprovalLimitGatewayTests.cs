using Microsoft.Extensions.Options;
using OrderHost.Payments;
using OrderHost.Payments.Infrastructure;

namespace OrderHost.Tests.Unit;

/// <summary>The shipped gateway keeps the contract every gateway has: the order id is the idempotency key.</summary>
[TestFixture]
public sealed class ApprovalLimitGatewayTests
{
    [Test]
    public async Task The_same_order_gets_its_first_answer_after_the_limit_changes_and_a_new_order_the_new_limit()
    {
        var options = new ChangingOptions(new PaymentsOptions { ApprovalLimit = 1000m });
        var gateway = new ApprovalLimitGateway(options);
        var order = new PaymentRequest(Guid.CreateVersion7(), "c-1", 500m, "USD");

        var first = await gateway.ChargeAsync(order, CancellationToken.None);
        options.CurrentValue = new PaymentsOptions { ApprovalLimit = 100m };
        var again = await gateway.ChargeAsync(order, CancellationToken.None);
        var newOrder = await gateway.ChargeAsync(order with { OrderId = Guid.CreateVersion7() }, CancellationToken.None);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Approved, Is.True, "under the first limit");
            Assert.That(again, Is.EqualTo(first), "the same order after the limit was lowered");
            Assert.That(newOrder.Approved, Is.False, "another order under the new limit");
        }
    }

    [Test]
    public async Task Answers_are_kept_for_at_least_the_remembered_number_of_orders()
    {
        var options = new ChangingOptions(new PaymentsOptions { ApprovalLimit = 1000m });
        var gateway = new ApprovalLimitGateway(options);
        var orders = Enumerable.Range(0, ApprovalLimitGateway.Remembered).Select(_ => new PaymentRequest(Guid.CreateVersion7(), "c", 500m, "USD")).ToList();
        foreach (var order in orders)
        {
            await gateway.ChargeAsync(order, CancellationToken.None);
        }

        options.CurrentValue = new PaymentsOptions { ApprovalLimit = 100m };

        Assert.That((await gateway.ChargeAsync(orders[0], CancellationToken.None)).Approved, Is.True, "the oldest of the remembered orders");
    }

    private sealed class ChangingOptions(PaymentsOptions value) : IOptionsMonitor<PaymentsOptions>
    {
        public PaymentsOptions CurrentValue { get; set; } = value;

        public PaymentsOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<PaymentsOptions, string?> listener) => null;
    }
}
