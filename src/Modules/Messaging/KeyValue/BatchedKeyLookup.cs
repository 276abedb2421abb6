using System.Threading.Channels;

namespace OrderHost.Messaging.KeyValue;

/// <summary>
/// Key lookups of one bucket, sent in as few requests as the load allows. At most
/// <see cref="MaxRequestsInFlight"/> batched direct gets (<c>multi_last</c>) are in flight; lookups
/// that arrive while they are wait and go together in the next. Under light load a lookup goes alone,
/// at once; under load one request serves many handlers, and the server answers only the keys that
/// exist, so new keys cost one end-of-batch reply in all.
/// </summary>
/// <remarks>
/// Like a single direct get, any replica may answer: the create-only write that follows a lookup,
/// not the lookup, is what decides a race.
/// </remarks>
public sealed class BatchedKeyLookup : IKeyLookup, IAsyncDisposable
{
    /// <summary>Keys per request; the server refuses a request matching more than 1,024.</summary>
    public const int MaxKeysPerRequest = 256;

    /// <summary>Two, so that a lookup finding one request in flight is sent at once, not one round trip later.</summary>
    public const int MaxRequestsInFlight = 2;

    private readonly INatsConnection _connection;
    private readonly string _bucket;
    private readonly string _requestSubject;
    private readonly string _subjectPrefix;
    private readonly TimeSpan _timeout;
    private readonly Action<int>? _onRequest;
    private readonly Channel<PendingLookup> _queue = Channel.CreateUnbounded<PendingLookup>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _sending;
    private int _disposed;

    /// <param name="connection">The connection whose identity may read the bucket.</param>
    /// <param name="apiPrefix">The JetStream API prefix (<c>$JS.API</c>, or a domain's).</param>
    /// <param name="bucket">The bucket.</param>
    /// <param name="timeout">How long a request may wait for its replies before its lookups fail.</param>
    /// <param name="onRequest">Told the number of keys of every request sent (for metrics).</param>
    public BatchedKeyLookup(INatsConnection connection, string apiPrefix, string bucket, TimeSpan timeout, Action<int>? onRequest = null)
    {
        _connection = connection;
        _bucket = bucket;
        _requestSubject = $"{apiPrefix}.DIRECT.GET.KV_{bucket}";
        _subjectPrefix = $"$KV.{bucket}.";
        _timeout = timeout;
        _onRequest = onRequest;
        _sending = Task.WhenAll(Enumerable.Range(0, MaxRequestsInFlight).Select(_ => Task.Run(SendAsync)));
    }

    public async Task<KeyRecord?> FindAsync(string key, CancellationToken cancellationToken)
    {
        KeyNames.EnsureValid(key);
        var lookup = new PendingLookup([key]);
        await EnqueueAndWaitAsync(lookup, cancellationToken).ConfigureAwait(false);
        return lookup.Found[0];
    }

    public async Task<IReadOnlyDictionary<string, KeyRecord>> FindManyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var distinct = keys.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0)
        {
            return new Dictionary<string, KeyRecord>();
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(distinct.Length, MaxKeysPerRequest, nameof(keys));
        foreach (var key in distinct)
        {
            KeyNames.EnsureValid(key);
        }

        var lookup = new PendingLookup(distinct);
        await EnqueueAndWaitAsync(lookup, cancellationToken).ConfigureAwait(false);
        return lookup.Found.OfType<KeyRecord>().ToDictionary(record => record.Key, StringComparer.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _sending.ConfigureAwait(false);
        while (_queue.Reader.TryRead(out var left))
        {
            left.Fail(new ObjectDisposedException(nameof(BatchedKeyLookup)));
        }

        _stopping.Dispose();
    }

    private async Task EnqueueAndWaitAsync(PendingLookup lookup, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(lookup), this);

        // A caller that stops waiting leaves its keys in the request; their answer is simply dropped.
        await lookup.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One sender: takes what is queued (up to the key limit), asks, answers, repeats.</summary>
    private async Task SendAsync()
    {
        var batch = new List<PendingLookup>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        using var request = new MultiLastRequest();
        PendingLookup? carried = null;
        try
        {
            while (carried is not null || await _queue.Reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                batch.Clear();
                keys.Clear();
                if (carried is not null)
                {
                    batch.Add(carried);
                    keys.UnionWith(carried.Keys);
                    carried = null;
                }

                while (keys.Count < MaxKeysPerRequest && _queue.Reader.TryRead(out var next))
                {
                    if (keys.Count + next.Keys.Length > MaxKeysPerRequest)
                    {
                        carried = next;
                        break;
                    }

                    batch.Add(next);
                    keys.UnionWith(next.Keys);
                }

                // Empty when the other sender took what woke this one.
                if (batch.Count > 0)
                {
                    await ResolveAsync(request, batch, keys).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Disposed: what is still queued fails in DisposeAsync.
        }
    }

    private async Task ResolveAsync(MultiLastRequest request, List<PendingLookup> batch, HashSet<string> keys)
    {
        try
        {
            var found = await RequestAsync(request, keys).ConfigureAwait(false);
            foreach (var lookup in batch)
            {
                lookup.Complete(found);
            }
        }
        catch (Exception ex)
        {
            var failure = _stopping.IsCancellationRequested ? new ObjectDisposedException(nameof(BatchedKeyLookup), ex) : ex;
            foreach (var lookup in batch)
            {
                lookup.Fail(failure);
            }

            // What queued meanwhile would most likely fail the same way, one timeout per batch: fail it now, so
            // that handlers back off (nak) at once instead of waiting out a server outage in this queue.
            while (_queue.Reader.TryRead(out var queued))
            {
                queued.Fail(failure);
            }
        }
    }

    private async Task<Dictionary<string, KeyRecord>> RequestAsync(MultiLastRequest request, HashSet<string> keys)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        deadline.CancelAfter(_timeout);
        _onRequest?.Invoke(keys.Count);
        try
        {
            // A reply subject of its own per request (the client multiplexes them over one subscription),
            // so a late reply to a request that timed out never mixes into the next. The channel holds more
            // than the most replies a request can get (one per key and an end-of-batch), so none is dropped.
            var replyTo = _connection.NewInbox();
            await using var replies = await _connection.SubscribeCoreAsync(
                replyTo,
                serializer: NatsRawSerializer<byte[]>.Default,
                opts: new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = 2 * MaxKeysPerRequest } },
                cancellationToken: deadline.Token).ConfigureAwait(false);
            await _connection.PublishAsync(
                _requestSubject, request.Write(_subjectPrefix, keys), replyTo: replyTo, serializer: NatsRawSerializer<ReadOnlyMemory<byte>>.Default, cancellationToken: deadline.Token).ConfigureAwait(false);

            var answer = new MultiLastAnswer(_bucket, _subjectPrefix, keys);
            while (true)
            {
                var reply = await replies.Msgs.ReadAsync(deadline.Token).ConfigureAwait(false);
                if (answer.Add(reply))
                {
                    return answer.Found;
                }
            }
        }
        catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
        {
            throw new TimeoutException($"Batched lookup on bucket '{_bucket}' got no complete answer within {_timeout.TotalSeconds:0.#} s.");
        }
    }

    private sealed class PendingLookup(string[] keys)
    {
        public string[] Keys { get; } = keys;

        public KeyRecord?[] Found { get; } = new KeyRecord?[keys.Length];

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(Dictionary<string, KeyRecord> found)
        {
            for (var i = 0; i < Keys.Length; i++)
            {
                Found[i] = found.GetValueOrDefault(Keys[i]);
            }

            Completion.TrySetResult();
        }

        public void Fail(Exception failure)
        {
            // Observed here: a caller that stopped waiting (cancelled) will never look at it.
            if (Completion.TrySetException(failure))
            {
                _ = Completion.Task.Exception;
            }
        }
    }
}
