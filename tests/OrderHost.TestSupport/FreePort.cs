using System.Net;
using System.Net.Sockets;

namespace OrderHost.TestSupport;

/// <summary>
/// A TCP port on 127.0.0.1 that nothing listens on right now and that no other caller, in this process or another
/// process using this class (parallel test runs, the benchmark), has been given: see <see cref="PortReservations"/>.
/// The ports stay reserved until this process exits, then their lock files are deleted.
/// </summary>
public static class FreePort
{
    private static readonly PortReservations Shared = CreateShared();

    public static int OnLoopback() => Shared.Reserve();

    /// <summary>A port the kernel picks as free on 127.0.0.1 (bound to port 0, then let go).</summary>
    public static int AskTheSystem()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static PortReservations CreateShared()
    {
        var reservations = new PortReservations(PortReservations.DefaultLockDirectory, AskTheSystem);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => reservations.Dispose();
        return reservations;
    }
}
