using OrderHost.Messaging;

namespace OrderHost.Tests.Unit;

[TestFixture]
public sealed class MessageIdsTests
{
    private static readonly Guid OrderId = Guid.Parse("0199a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d");

    [Test]
    public void Same_order_and_step_always_give_the_same_id()
    {
        Assert.That(MessageIds.For(OrderId, "payment"), Is.EqualTo(MessageIds.For(Guid.Parse(OrderId.ToString()), "payment")));
    }

    [Test]
    public void Id_is_the_canonical_order_id_and_the_step()
    {
        Assert.That(MessageIds.For(OrderId, "created"), Is.EqualTo("0199a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d:created"));
    }

    [Test]
    public void Different_steps_or_orders_give_different_ids()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(MessageIds.For(OrderId, "created"), Is.Not.EqualTo(MessageIds.For(OrderId, "payment")));
            Assert.That(MessageIds.For(OrderId, "created"), Is.Not.EqualTo(MessageIds.For(Guid.CreateVersion7(), "created")));
        }
    }

    [Test]
    public void Long_step_names_are_kept_whole()
    {
        var step = new string('s', 100);

        Assert.That(MessageIds.For(OrderId, step), Is.EqualTo($"{OrderId:D}:{step}"));
    }
}
