// Batches records into PutRecords calls and retries partial failures without reordering any partition key.
//
// Ordering rule: a PutRecords call carries at most ONE record per partition key, and a key's next record is sent
// only after its previous one was accepted. Kinesis processes each record of a PutRecords call on its own — record
// 7 may fail while record 9 is accepted — so two records of one key in one call could land out of order, and no
// retry can undo an accepted record. With one record per key per call a partial failure only delays that key;
// every other key goes on. The cost: a burst of N records for one key needs N round trips (keys interleave, so a
// typical batch of many games needs few). Retried whole calls (5xx, dropped connections) can still write a record
// twice — adjacent duplicates, never reordering — which consumers deduplicate by event id.
//
// Aggregation (KinesisProducerOptions.Aggregate): the "one record" a key sends per call is then one KPL aggregated
// record packing the key's waiting records (in order, within the 1 MiB record limit), so a burst for one key costs
// one round trip, not one per record. The aggregate is accepted or fails as a whole, so the ordering rule holds.
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Basketball.Kinesis;

public sealed class KinesisProducer : IAsyncDisposable
{
    private readonly KinesisClient _client;
    private readonly KinesisProducerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    private readonly object _gate = new();
    // Keys with queued records, in the order they first had one (so no key starves).
    private readonly Dictionary<string, LinkedListNode<KeyQueue>> _keys = new(StringComparer.Ordinal);
    private readonly LinkedList<KeyQueue> _keyOrder = new();
    private int _requestsInFlight;

    private readonly SemaphoreSlim _wakeUp = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _sender;

    public KinesisProducer(KinesisClient client, KinesisProducerOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.StreamName);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxAttemptsPerRecord, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrentRequests, 1);
        _client = client;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _sender = Task.Run(SendLoopAsync);
    }

    /// <summary>
    /// Puts records and completes when each is accepted or has failed for good. Invalid records (over 1 MiB, bad
    /// partition key) are answered at once and never sent; the others keep their order per partition key, also
    /// across concurrent calls. Never throws for a record's failure: see each outcome.
    /// </summary>
    public async Task<PutResult> PutAsync(IReadOnlyList<(string PartitionKey, ReadOnlyMemory<byte> Data)> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var outcomes = new Task<PutRecordOutcome>[records.Count];
        var clientOptions = _client.Options;

        lock (_gate)
        {
            for (var i = 0; i < records.Count; i++)
            {
                var (key, data) = records[i];
                if (KinesisRecordLimits.Violation(clientOptions, key, data) is { } violation)
                {
                    outcomes[i] = Task.FromResult(new PutRecordOutcome(i, key ?? string.Empty, null, null, violation.Code, violation.Message, 0));
                    continue;
                }
                var pending = new PendingRecord(i, key, data, KinesisRecordLimits.Size(key, data), cancellationToken);
                outcomes[i] = pending.Outcome.Task;
                if (!_keys.TryGetValue(key, out var node))
                    _keys[key] = node = _keyOrder.AddLast(new KeyQueue(key));
                node.Value.Records.Enqueue(pending);
            }
        }
        _wakeUp.Release();

        var results = await Task.WhenAll(outcomes).WaitAsync(cancellationToken);
        return new PutResult(results);
    }

    private async Task SendLoopAsync()
    {
        var stop = _stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            List<WaveEntry>? wave = null;
            TimeSpan? wait = null;
            lock (_gate)
            {
                if (_requestsInFlight < _options.MaxConcurrentRequests)
                {
                    (wave, wait) = TakeWave(_time.GetUtcNow());
                    if (wave.Count > 0) _requestsInFlight++;
                }
            }

            if (wave is { Count: > 0 })
            {
                _ = SendWaveAsync(wave, stop);
                continue;
            }

            try
            {
                if (wait is { } delay) await _wakeUp.WaitAsync(delay, stop);
                else await _wakeUp.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // The head of every key that is ready (not in flight, past its backoff), within the request limits.
    // Also answers how long until a backed-off key becomes ready. Caller holds _gate.
    private (List<WaveEntry> Wave, TimeSpan? Wait) TakeWave(DateTimeOffset now)
    {
        var limits = _client.Options;
        var wave = new List<WaveEntry>();
        long bytes = 0;
        TimeSpan? wait = null;
        var node = _keyOrder.First;
        while (node is not null)
        {
            var next = node.Next;
            var queue = node.Value;
            DropCancelledHeads(queue);
            if (queue.Records.Count == 0)
            {
                RemoveKey(node);
            }
            else if (!queue.InFlight)
            {
                if (queue.NotBefore > now)
                {
                    var until = queue.NotBefore - now;
                    if (wait is null || until < wait) wait = until;
                }
                else
                {
                    var head = queue.Records.Peek();
                    if (wave.Count >= limits.PutRecordsMaxRecords || bytes + head.Size > limits.PutRecordsMaxBytes) break;
                    var entry = _options.Aggregate ? Pack(queue, limits, limits.PutRecordsMaxBytes - bytes) : new WaveEntry([head], head.Size);
                    wave.Add(entry);
                    bytes += entry.Size;
                    queue.InFlight = true;
                }
            }
            node = next;
        }
        return (wave, wait);
    }

    // The key's waiting records from its head, as many as fit one aggregate (≤ the record limit, ≤ what the request
    // has left, ≤ MaxRecordsPerAggregate). The head alone always fits: the caller checked it. Caller holds _gate.
    private WaveEntry Pack(KeyQueue queue, KinesisOptions limits, long requestBytesLeft)
    {
        var head = queue.Records.Peek();
        var keyBytes = System.Text.Encoding.UTF8.GetByteCount(queue.Key);
        var limit = Math.Min(limits.RecordMaxBytes, requestBytesLeft);
        // Kinesis counts an aggregate as data plus its partition key, like any record.
        long size = keyBytes + KplAggregate.FrameOverhead + KplAggregate.KeySize(queue.Key);
        var taken = new List<PendingRecord>();
        foreach (var record in queue.Records)
        {
            if (taken.Count >= _options.MaxRecordsPerAggregate || record.CancellationToken.IsCancellationRequested) break;
            var added = KplAggregate.RecordSize(0, record.Data.Length);
            if (size + added > limit) break;
            taken.Add(record);
            size += added;
        }
        return taken.Count <= 1 ? new WaveEntry([head], head.Size) : new WaveEntry([.. taken], size);
    }

    private static void DropCancelledHeads(KeyQueue queue)
    {
        while (queue.Records.TryPeek(out var head) && head.CancellationToken.IsCancellationRequested && !queue.InFlight)
        {
            queue.Records.Dequeue();
            head.Complete(null, null, ProducerErrorCodes.Cancelled, "The caller cancelled before the record was sent.");
        }
    }

    private void RemoveKey(LinkedListNode<KeyQueue> node)
    {
        _keys.Remove(node.Value.Key);
        _keyOrder.Remove(node);
    }

    private async Task SendWaveAsync(List<WaveEntry> wave, CancellationToken stop)
    {
        try
        {
            var entries = wave.Select(entry => new PutRecordsEntry(entry.PartitionKey, entry.Data())).ToList();
            PutRecordsResponse response;
            try
            {
                response = await _client.PutRecordsAsync(_options.StreamName, entries, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                lock (_gate) foreach (var entry in wave) FailKey(entry.Head, ProducerErrorCodes.ProducerStopped, "The producer stopped.");
                return;
            }
            catch (Exception e) when (KinesisRetryPolicy.IsTransient(e))
            {
                // The client's own retries are spent: count an attempt for every record and back off.
                _logger.LogWarning(e, "PutRecords of {Count} records to {Stream} failed; the records will be retried", wave.Count, _options.StreamName);
                lock (_gate) foreach (var entry in wave) RetryLater(entry.Head, (e as KinesisException)?.ErrorType ?? e.GetType().Name, e.Message);
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "PutRecords of {Count} records to {Stream} failed for good", wave.Count, _options.StreamName);
                var code = (e as KinesisException)?.ErrorType ?? e.GetType().Name;
                lock (_gate) foreach (var entry in wave) FailKey(entry.Head, code, e.Message);
                return;
            }

            if (response.Records.Count != wave.Count)
            {
                lock (_gate)
                    foreach (var entry in wave)
                        RetryLater(entry.Head, "MalformedResponse", $"PutRecords answered {response.Records.Count} results for {wave.Count} records.");
                return;
            }

            if (response.FailedRecordCount > 0)
                _logger.LogDebug("PutRecords to {Stream}: {Failed} of {Count} records failed; retrying them in order",
                    _options.StreamName, response.FailedRecordCount, wave.Count);

            lock (_gate)
            {
                for (var i = 0; i < wave.Count; i++)
                {
                    var result = response.Records[i];
                    // An aggregate's records are the key's next ones, in order: accepting each dequeues the next.
                    if (result.Succeeded) foreach (var record in wave[i].Records) Accept(record, result);
                    else RetryLater(wave[i].Head, result.ErrorCode ?? "UnknownError", result.ErrorMessage ?? "PutRecords reported a failure.");
                }
            }
        }
        finally
        {
            lock (_gate) _requestsInFlight--;
            _wakeUp.Release();
        }
    }

    // Caller holds _gate for the three methods below. Each record handled is the head of its key's queue.

    private void Accept(PendingRecord record, PutRecordsResultEntry result)
    {
        var queue = _keys[record.PartitionKey].Value;
        queue.Records.Dequeue();
        queue.InFlight = false;
        queue.ConsecutiveFailures = 0;
        queue.NotBefore = DateTimeOffset.MinValue;
        record.Attempts++;
        record.Complete(result.ShardId, result.SequenceNumber, null, null);
    }

    private void RetryLater(PendingRecord record, string errorCode, string errorMessage)
    {
        var queue = _keys[record.PartitionKey].Value;
        record.Attempts++;
        if (record.Attempts >= _options.MaxAttemptsPerRecord)
        {
            FailKey(record, errorCode, $"{errorMessage} (gave up after {record.Attempts} attempts)");
            return;
        }
        queue.InFlight = false;
        queue.ConsecutiveFailures++;
        queue.NotBefore = _time.GetUtcNow() + Backoff(queue.ConsecutiveFailures);
    }

    // Gives up the record and every record of its key queued behind it, so none is accepted after a lost one.
    private void FailKey(PendingRecord record, string errorCode, string errorMessage)
    {
        var node = _keys[record.PartitionKey];
        var queue = node.Value;
        queue.Records.Dequeue();
        record.Complete(null, null, errorCode, errorMessage);
        while (queue.Records.TryDequeue(out var behind))
            behind.Complete(null, null, ProducerErrorCodes.PrecedingRecordFailed,
                $"An earlier record of partition key '{record.PartitionKey}' failed ({errorCode}); this one was not sent.");
        _logger.LogWarning("Gave up a record of partition key {Key} on {Stream}: {Error}", record.PartitionKey, _options.StreamName, errorMessage);
        RemoveKey(node);
    }

    private TimeSpan Backoff(int failures)
    {
        var exponential = _options.BaseRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16));
        var capped = Math.Min(exponential, _options.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.5 + Random.Shared.NextDouble() * 0.5)); // jitter: 50–100 %
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested) return;
        await _stopping.CancelAsync();
        await _sender;
        // Let calls in flight finish (they end quickly: their token is cancelled), then fail what never went out.
        while (true)
        {
            lock (_gate)
                if (_requestsInFlight == 0) break;
            await _wakeUp.WaitAsync(TimeSpan.FromMilliseconds(50));
        }
        lock (_gate)
        {
            foreach (var queue in _keyOrder)
                while (queue.Records.TryDequeue(out var record))
                    record.Complete(null, null, ProducerErrorCodes.ProducerStopped, "The producer stopped before the record was sent.");
            _keyOrder.Clear();
            _keys.Clear();
        }
        _stopping.Dispose();
    }

    /// <summary>One Kinesis record of a call: a key's head record, or an aggregate of its next records.</summary>
    private sealed record WaveEntry(PendingRecord[] Records, long Size)
    {
        public PendingRecord Head => Records[0];
        public string PartitionKey => Head.PartitionKey;

        // Built outside the producer's lock, when the call is made.
        public ReadOnlyMemory<byte> Data() => Records.Length == 1
            ? Head.Data
            : KplAggregate.Write(Records.Select(r => (r.PartitionKey, r.Data)).ToList());
    }

    private sealed class KeyQueue(string key)
    {
        public string Key { get; } = key;
        public Queue<PendingRecord> Records { get; } = new();
        public bool InFlight { get; set; }
        public int ConsecutiveFailures { get; set; }
        public DateTimeOffset NotBefore { get; set; } = DateTimeOffset.MinValue;
    }

    private sealed class PendingRecord(int index, string partitionKey, ReadOnlyMemory<byte> data, long size, CancellationToken cancellationToken)
    {
        public int Index { get; } = index;
        public string PartitionKey { get; } = partitionKey;
        public ReadOnlyMemory<byte> Data { get; } = data;
        public long Size { get; } = size;
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public int Attempts { get; set; }
        public TaskCompletionSource<PutRecordOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(string? shardId, string? sequenceNumber, string? errorCode, string? errorMessage) =>
            Outcome.TrySetResult(new PutRecordOutcome(Index, PartitionKey, shardId, sequenceNumber, errorCode, errorMessage, Attempts));
    }
}
