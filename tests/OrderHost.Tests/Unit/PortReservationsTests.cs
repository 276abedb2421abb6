using System.Diagnostics;

namespace OrderHost.Tests.Unit;

/// <summary>
/// A port is given out once: not twice in one process, not to a second process while the first holds it; lock files do
/// not outlive their holders. A second instance on the same lock folder stands for another test or benchmark process
/// (flock locks belong to an open file, not to a process).
/// </summary>
[TestFixture]
public sealed class PortReservationsTests
{
    private static readonly string[] OneLeft = ["41001.lock"];
    private static readonly string[] HeldOnes = ["41007.lock", "41008.lock"];

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

    [Test]
    public void Released_ports_leave_no_lock_files_and_can_be_reserved_again()
    {
        var first = new PortReservations(_lockDirectory, Candidates(41000, 41001));
        var second = new PortReservations(_lockDirectory, Candidates(41000));
        first.Reserve();
        first.Reserve();
        first.Release(41000);
        var leftAfterRelease = LockFiles();
        var reservedAgain = second.Reserve();
        first.Dispose();
        second.Dispose();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(leftAfterRelease, Is.EqualTo(OneLeft), "lock files after one of two ports was released");
            Assert.That(reservedAgain, Is.EqualTo(41000), "a released port is free for others");
            Assert.That(LockFiles(), Is.Empty, "lock files once every holder released its ports");
        }
    }

    [Test]
    public void Lock_files_nobody_holds_are_pruned_and_held_ones_kept()
    {
        // A killed process leaves its files behind, unlocked; a running one holds its lock.
        File.WriteAllText(Path.Combine(_lockDirectory, "41005.lock"), string.Empty);
        File.WriteAllText(Path.Combine(_lockDirectory, "41006.lock"), string.Empty);
        using var running = new PortReservations(_lockDirectory, Candidates(41007));
        running.Reserve();
        using var starting = new PortReservations(_lockDirectory, Candidates(41008));

        starting.Reserve();

        Assert.That(LockFiles(), Is.EqualTo(HeldOnes));
    }

    [Test]
    public void Reserving_and_releasing_one_port_from_many_processes_never_gives_it_to_two_at_once()
    {
        // Releasing deletes the file while others may have just opened it: whoever then locks the deleted file must not
        // count as holding the port beside the one who creates the next file of that name.
        const int Processes = 4;
        var holders = 0;
        var mostAtOnce = 0;
        var grants = 0;
        var deadline = Stopwatch.StartNew();
        Parallel.For(0, Processes, _ =>
        {
            using var process = new PortReservations(_lockDirectory, () => 41000);
            while (deadline.Elapsed < TimeSpan.FromSeconds(2))
            {
                int port;
                try
                {
                    port = process.Reserve();
                }
                catch (InvalidOperationException)
                {
                    continue;
                }

                var now = Interlocked.Increment(ref holders);
                InterlockedMax(ref mostAtOnce, now);
                Interlocked.Increment(ref grants);
                Thread.SpinWait(100);
                Interlocked.Decrement(ref holders);
                process.Release(port);
            }
        });

        TestContext.Out.WriteLine($"{grants} grants of port 41000 among {Processes} reservers in 2 s");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(grants, Is.GreaterThan(Processes), "the port changed hands");
            Assert.That(mostAtOnce, Is.EqualTo(1), "holders of the port at the same time");
        }
    }

    private string[] LockFiles() => [.. Directory.EnumerateFiles(_lockDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static Func<int> Candidates(params int[] ports)
    {
        var queue = new Queue<int>(ports);
        return () => queue.Dequeue();
    }
}
