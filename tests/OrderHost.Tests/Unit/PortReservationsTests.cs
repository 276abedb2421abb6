namespace OrderHost.Tests.Unit;

/// <summary>A port is given out once: not twice in one process, not to a second process while the first holds it.</summary>
[TestFixture]
public sealed class PortReservationsTests
{
    private string _lockDirectory = null!;

    [SetUp]
    public void CreateLockDirectory()
        => _lockDirectory = Directory.CreateTempSubdirectory("orderhost-port-locks-").FullName;

    [TearDown]
    public void DeleteLockDirectory() => Directory.Delete(_lockDirectory, recursive: true);

    [Test]
    public void The_same_candidate_twice_is_given_out_once()
    {
        // The kernel may name the same free port to two callers in a row.
        var reservations = new PortReservations(_lockDirectory, Candidates(41000, 41000, 41001));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(reservations.Reserve(), Is.EqualTo(41000));
            Assert.That(reservations.Reserve(), Is.EqualTo(41001));
        }
    }

    [Test]
    public void A_port_another_process_holds_is_passed_over()
    {
        // A second instance on the same lock folder stands for another test or benchmark process.
        var first = new PortReservations(_lockDirectory, Candidates(41000));
        var second = new PortReservations(_lockDirectory, Candidates(41000, 41002));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Reserve(), Is.EqualTo(41000));
            Assert.That(second.Reserve(), Is.EqualTo(41002));
            Assert.That(second.Count, Is.EqualTo(1));
        }
    }

    [Test]
    public void Without_a_new_candidate_it_fails_instead_of_repeating_a_port()
    {
        var reservations = new PortReservations(_lockDirectory, () => 41000);
        reservations.Reserve();

        Assert.That(reservations.Reserve, Throws.InvalidOperationException.With.Message.Contains("No free port"));
    }

    [Test]
    public void Parallel_callers_of_FreePort_get_distinct_ports()
    {
        var ports = new int[400];
        Parallel.For(0, ports.Length, i => ports[i] = FreePort.OnLoopback());

        Assert.That(ports, Is.Unique);
    }

    private static Func<int> Candidates(params int[] ports)
    {
        var queue = new Queue<int>(ports);
        return () => queue.Dequeue();
    }
}
