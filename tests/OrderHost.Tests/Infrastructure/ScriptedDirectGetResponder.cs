using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// Answers batched direct gets for one made-up stream with scripted replies, status lines included
/// (which a client library will not publish), over a raw NATS protocol connection to a test server.
/// It shows how a history read treats answers a real server gives only in rare moments: a load
/// failing part-way, a lost reply, silence.
/// </summary>
public sealed class ScriptedDirectGetResponder : IAsyncDisposable
{
    private readonly TcpClient _tcp = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<string, IReadOnlyList<Reply>> _script;
    private Stream _stream = Stream.Null;
    private Task _loop = Task.CompletedTask;

    private ScriptedDirectGetResponder(Func<string, IReadOnlyList<Reply>> script)
    {
        _script = script;
    }

    /// <summary>Starts answering <c>$JS.API.DIRECT.GET.{stream}</c>; <paramref name="script"/> gets the first filter asked for.</summary>
    public static async Task<ScriptedDirectGetResponder> StartAsync(NatsServer server, string stream, Func<string, IReadOnlyList<Reply>> script)
    {
        var responder = new ScriptedDirectGetResponder(script);
        await responder._tcp.ConnectAsync("127.0.0.1", server.Port);
        responder._stream = responder._tcp.GetStream();
        var reader = new StreamReader(responder._stream, Encoding.ASCII);
        await reader.ReadLineAsync(); // INFO
        await responder.WriteAsync("CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"no_responders\":true,\"protocol\":1}\r\n"
            + $"SUB $JS.API.DIRECT.GET.{stream} 1\r\nPING\r\n");
        while (await reader.ReadLineAsync() is { } line && line != "PONG")
        {
            // Wait until the server has the subscription.
        }

        responder._loop = responder.AnswerAsync(reader);
        return responder;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _tcp.Dispose();
        await _loop.ContinueWith(static _ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AnswerAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line == "PING")
                {
                    await WriteAsync("PONG\r\n");
                    continue;
                }

                // MSG <subject> <sid> <reply-to> <bytes>
                var parts = line.Split(' ');
                if (parts[0] != "MSG" || parts.Length != 5)
                {
                    continue;
                }

                var body = new char[int.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture) + 2];
                await reader.ReadBlockAsync(body, _stop.Token);
                using var request = JsonDocument.Parse(new string(body).TrimEnd());
                var filter = request.RootElement.GetProperty("multi_last")[0].GetString()!;
                foreach (var reply in _script(filter))
                {
                    await WriteAsync(reply.ToProtocol(parts[3]));
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private Task WriteAsync(string protocol) => _stream.WriteAsync(Encoding.ASCII.GetBytes(protocol), _stop.Token).AsTask();

    /// <summary>One reply: a status line (<c>NATS/1.0</c> for a message), headers and data.</summary>
    public sealed record Reply(string StatusLine, IReadOnlyDictionary<string, string> Headers, string Data = "")
    {
        public static Reply Entry(string stream, string subject, ulong sequence, ulong pending) => new(
            "NATS/1.0",
            new Dictionary<string, string>
            {
                ["Nats-Stream"] = stream,
                ["Nats-Subject"] = subject,
                ["Nats-Time-Stamp"] = "2026-12-07T10:00:00.123456789Z",
                ["Nats-Sequence"] = sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Nats-Num-Pending"] = pending.ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            "{}");

        public static Reply EndOfBatch(ulong pending) => new("NATS/1.0 204 EOB", new Dictionary<string, string> { ["Nats-Num-Pending"] = pending.ToString(System.Globalization.CultureInfo.InvariantCulture) });

        public static Reply Status(string codeAndText) => new($"NATS/1.0 {codeAndText}", new Dictionary<string, string>());

        public string ToProtocol(string replyTo)
        {
            var headers = StatusLine + "\r\n" + string.Concat(Headers.Select(h => $"{h.Key}: {h.Value}\r\n")) + "\r\n";
            var headerBytes = Encoding.ASCII.GetByteCount(headers);
            return $"HPUB {replyTo} {headerBytes} {headerBytes + Encoding.ASCII.GetByteCount(Data)}\r\n{headers}{Data}\r\n";
        }
    }
}
