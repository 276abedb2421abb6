using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace OrderHost.TestSupport;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of one server port, for network faults a process kill cannot show:
/// <list type="bullet">
/// <item><see cref="BlackHole"/>: nothing flows either way, on open connections and new ones, yet every socket
/// stays open (a stalled link or a silent partition); <see cref="Heal"/> lets the held bytes through again, as
/// TCP would after a partition heals.</item>
/// <item><see cref="ResetAll"/>: every open connection is cut with a TCP reset (the client sees the cut at once).</item>
/// <item><see cref="Latency"/>: every chunk is held this long before it is passed on, in order.</item>
/// </list>
/// Self-contained: it needs nothing but the BCL.
/// </summary>
public sealed class TcpFaultProxy : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Link> _links = [];
    private readonly Task _accepting;
    private TaskCompletionSource _flowing = Open();
    private long _latencyTicks;

    private TcpFaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>Where clients connect.</summary>
    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    public bool IsBlackHoled => !_flowing.Task.IsCompleted;

    /// <summary>Added to every chunk in both directions; zero by default.</summary>
    public TimeSpan Latency
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));
        set => Interlocked.Exchange(ref _latencyTicks, value.Ticks);
    }

    /// <summary>Connections open through the proxy now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_links)
            {
                return _links.Count;
            }
        }
    }

    /// <summary>Listens on a port of its own (bound at once, so no other process can take it) and forwards to <paramref name="targetPort"/>.</summary>
    public static TcpFaultProxy Start(int targetPort) => new(targetPort);

    /// <summary>From now on nothing is passed either way; sockets stay open and new connections are accepted but get nothing.</summary>
    public void BlackHole()
    {
        var flowing = _flowing;
        if (flowing.Task.IsCompleted)
        {
            Interlocked.CompareExchange(ref _flowing, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), flowing);
        }
    }

    /// <summary>Passes bytes again, the held ones first.</summary>
    public void Heal() => _flowing.TrySetResult();

    /// <summary>Cuts every open connection with a reset, on both sides; new connections pass as before.</summary>
    public void ResetAll()
    {
        List<Link> links;
        lock (_links)
        {
            links = [.. _links];
        }

        foreach (var link in links)
        {
            link.Reset();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Heal();
        ResetAll();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var link = new Link(client, server);
        try
        {
            // A black hole swallows the connection attempt too: the client sees an open socket and no answer.
            await WhileBlackHoledAsync();
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            link.Reset();
            return;
        }

        lock (_links)
        {
            _links.Add(link);
        }

        try
        {
            await Task.WhenAll(PumpAsync(client, server, link), PumpAsync(server, client, link));
        }
        finally
        {
            lock (_links)
            {
                _links.Remove(link);
            }

            link.Close();
        }
    }

    /// <summary>One direction: read, hold for the latency and any black hole, write; in order.</summary>
    private async Task PumpAsync(Socket from, Socket to, Link link)
    {
        var chunks = Channel.CreateUnbounded<(byte[] Data, TimeSpan Due)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var writing = Task.Run(async () =>
        {
            try
            {
                await foreach (var (data, due) in chunks.Reader.ReadAllAsync())
                {
                    var wait = due - Clock.Elapsed;
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait);
                    }

                    await WhileBlackHoledAsync();
                    await to.SendAsync(data, SocketFlags.None);
                }

                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                link.Reset();
            }
        });

        var buffer = new byte[ChunkSize];
        try
        {
            while (true)
            {
                await WhileBlackHoledAsync();
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    break;
                }

                var due = Clock.Elapsed + Latency;
                await chunks.Writer.WriteAsync((buffer[..read], due));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            link.Reset();
        }
        finally
        {
            chunks.Writer.TryComplete();
            await writing;
        }
    }

    private Task WhileBlackHoledAsync() => _flowing.Task.WaitAsync(_stop.Token);

    /// <summary>The two sockets of one proxied connection.</summary>
    private sealed class Link(Socket client, Socket server)
    {
        private int _closed;

        /// <summary>Closes both sockets with a TCP reset (linger 0) instead of an orderly close.</summary>
        public void Reset()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 1)
            {
                return;
            }

            foreach (var socket in new[] { client, server })
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    // Not connected (yet): closing is all there is to do.
                }

                socket.Dispose();
            }
        }

        public void Close()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
            {
                client.Dispose();
                server.Dispose();
            }
        }
    }
}
