using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OrderHost.Tests.Infrastructure;

namespace OrderHost.Tests.Unit;

/// <summary>The fault proxy against a loopback echo server: each fault does what the network tests rely on.</summary>
[TestFixture]
public sealed class TcpFaultProxyTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private TcpListener? _echo;
    private Task? _echoing;

    [SetUp]
    public void StartEcho()
    {
        _echo = new TcpListener(IPAddress.Loopback, 0);
        _echo.Start();
        _echoing = EchoAsync(_echo);
    }

    [TearDown]
    public async Task StopEchoAsync()
    {
        _echo?.Stop();
        _echo?.Dispose();
        if (_echoing is not null)
        {
            await _echoing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    [Test]
    public async Task Passes_bytes_both_ways()
    {
        await using var proxy = TcpFaultProxy.Start(EchoPort);
        using var client = await ConnectAsync(proxy);

        Assert.That(await RoundTripAsync(client, "ping", Patience), Is.EqualTo("ping"));
    }

    [Test]
    public async Task A_black_hole_holds_bytes_with_the_socket_open_and_heal_lets_them_through()
    {
        await using var proxy = TcpFaultProxy.Start(EchoPort);
        using var client = await ConnectAsync(proxy);
        Assert.That(await RoundTripAsync(client, "before", Patience), Is.EqualTo("before"));

        proxy.BlackHole();
        Assert.That(await RoundTripAsync(client, "held", TimeSpan.FromMilliseconds(500)), Is.Null, "nothing passes while black-holed");
        Assert.That(client.Connected, Is.True, "the socket stays open");

        proxy.Heal();
        Assert.That(await ReadAsync(client, "held".Length, Patience), Is.EqualTo("held"), "the held bytes pass after healing");
    }

    [Test]
    public async Task A_reset_cuts_open_connections_at_once_and_new_ones_pass()
    {
        await using var proxy = TcpFaultProxy.Start(EchoPort);
        using var client = await ConnectAsync(proxy);
        Assert.That(await RoundTripAsync(client, "x", Patience), Is.EqualTo("x"));

        proxy.ResetAll();
        var buffer = new byte[16];
        using var timeout = new CancellationTokenSource(Patience);
        var outcome = await ReceiveOutcomeAsync(client, buffer, timeout.Token);
        Assert.That(outcome, Is.EqualTo("reset").Or.EqualTo("closed"));

        using var again = await ConnectAsync(proxy);
        Assert.That(await RoundTripAsync(again, "y", Patience), Is.EqualTo("y"));
    }

    [Test]
    public async Task Latency_delays_every_chunk()
    {
        await using var proxy = TcpFaultProxy.Start(EchoPort);
        using var client = await ConnectAsync(proxy);
        proxy.Latency = TimeSpan.FromMilliseconds(200);

        var clock = Stopwatch.StartNew();
        Assert.That(await RoundTripAsync(client, "slow", Patience), Is.EqualTo("slow"));
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(380)), "200 ms each way");
    }

    private int EchoPort => ((IPEndPoint)_echo!.LocalEndpoint).Port;

    private static async Task<Socket> ConnectAsync(TcpFaultProxy proxy)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, proxy.Port);
        return socket;
    }

    private static async Task<string?> RoundTripAsync(Socket socket, string text, TimeSpan timeout)
    {
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(text), SocketFlags.None);
        return await ReadAsync(socket, text.Length, timeout);
    }

    private static async Task<string?> ReadAsync(Socket socket, int length, TimeSpan timeout)
    {
        var buffer = new byte[length];
        var read = 0;
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (read < length)
            {
                var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cts.Token);
                if (n == 0)
                {
                    return null;
                }

                read += n;
            }
        }
        catch (OperationCanceledException)
        {
            return read == 0 ? null : System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        }

        return System.Text.Encoding.ASCII.GetString(buffer);
    }

    private static async Task<string> ReceiveOutcomeAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) == 0 ? "closed" : "data";
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionReset)
        {
            return "reset";
        }
    }

    private static async Task EchoAsync(TcpListener listener)
    {
        while (true)
        {
            var socket = await listener.AcceptSocketAsync();
            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    var buffer = new byte[1024];
                    try
                    {
                        int n;
                        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                        {
                            await socket.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
                        }
                    }
                    catch (SocketException)
                    {
                        // The proxy reset the link.
                    }
                }
            });
        }
    }
}
