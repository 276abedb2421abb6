using System.Net;
using System.Net.Sockets;

namespace OrderHost.TestSupport;

/// <summary>A TCP port on 127.0.0.1 that nothing listens on right now.</summary>
public static class FreePort
{
    public static int OnLoopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
