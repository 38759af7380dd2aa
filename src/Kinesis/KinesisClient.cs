// A thin Kinesis client over the JSON 1.1 protocol: POST /, X-Amz-Target: Kinesis_20131202.<Action>, SigV4-signed,
// every call retried with exponential backoff and jitter on throttling and transient faults (KinesisRetryPolicy).
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Basketball.Kinesis;

public sealed class KinesisClient : IDisposable
{
    private const string TargetPrefix = "Kinesis_20131202.";
    private static readonly MediaTypeHeaderValue JsonContentType = new("application/x-amz-json-1.1");

    private readonly HttpClient _http;
    private readonly AwsSigV4Signer _signer;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>A client with its own connection pool.</summary>
    public KinesisClient(KinesisOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
        : this(options, new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }, true, logger, timeProvider)
    {
    }

    /// <summary>A client over the given handler (tests put a fault-injecting handler here).</summary>
    public KinesisClient(KinesisOptions options, HttpMessageHandler handler, bool disposeHandler, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handler);
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        // The per-attempt timeout is the pipeline's, so the HttpClient's own is off.
        _http = new HttpClient(handler, disposeHandler) { Timeout = Timeout.InfiniteTimeSpan };
        _signer = new AwsSigV4Signer(options.Region, "kinesis");
        _pipeline = KinesisRetryPolicy.Build(options, _logger, _time);
    }

    public KinesisOptions Options { get; }

    // ---- streams -------------------------------------------------------------------------------------------

    public Task CreateStreamAsync(string streamName, int shardCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        return SendAsync("CreateStream", new CreateStreamRequest(streamName, shardCount),
            KinesisJsonContext.Default.CreateStreamRequest, KinesisJsonContext.Default.EmptyResponse, cancellationToken);
    }

    public Task DeleteStreamAsync(string streamName, bool enforceConsumerDeletion = false, CancellationToken cancellationToken = default) =>
        SendAsync("DeleteStream", new DeleteStreamRequest(streamName, enforceConsumerDeletion ? true : null),
            KinesisJsonContext.Default.DeleteStreamRequest, KinesisJsonContext.Default.EmptyResponse, cancellationToken);

    public async Task<StreamDescriptionSummary> DescribeStreamSummaryAsync(string streamName, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync("DescribeStreamSummary", new StreamNameRequest(streamName),
            KinesisJsonContext.Default.StreamNameRequest, KinesisJsonContext.Default.DescribeStreamSummaryResponse, cancellationToken);
        return response.StreamDescriptionSummary;
    }

    /// <summary>Describes a stream with all its shards (follows HasMoreShards).</summary>
    public async Task<StreamDescription> DescribeStreamAsync(string streamName, CancellationToken cancellationToken = default)
    {
        StreamDescription? first = null;
        var shards = new List<Shard>();
        string? exclusiveStart = null;
        while (true)
        {
            var page = (await SendAsync("DescribeStream", new DescribeStreamRequest(streamName, exclusiveStart, null),
                KinesisJsonContext.Default.DescribeStreamRequest, KinesisJsonContext.Default.DescribeStreamResponse,
                cancellationToken)).StreamDescription;
            first ??= page;
            shards.AddRange(page.Shards);
            if (!page.HasMoreShards || page.Shards.Count == 0) break;
            exclusiveStart = page.Shards[^1].ShardId;
        }
        return first with { Shards = shards, HasMoreShards = false };
    }

    public async Task<IReadOnlyList<string>> ListStreamsAsync(CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        string? exclusiveStart = null;
        while (true)
        {
            var page = await SendAsync("ListStreams", new ListStreamsRequest(null, exclusiveStart),
                KinesisJsonContext.Default.ListStreamsRequest, KinesisJsonContext.Default.ListStreamsResponse, cancellationToken);
            var pageNames = page.StreamNames ?? [];
            names.AddRange(pageNames);
            if (!page.HasMoreStreams || pageNames.Count == 0) return names;
            exclusiveStart = pageNames[^1];
        }
    }

    /// <summary>
    /// All shards of a stream, open and closed, with their parent ids. Pages with ExclusiveStartShardId rather than
    /// NextToken: kinesalite crashes on NextToken, and AWS accepts both.
    /// </summary>
    public async Task<IReadOnlyList<Shard>> ListShardsAsync(string streamName, CancellationToken cancellationToken = default)
    {
        var shards = new List<Shard>();
        string? exclusiveStart = null;
        while (true)
        {
            var page = await SendAsync("ListShards", new ListShardsRequest(streamName, exclusiveStart, null),
                KinesisJsonContext.Default.ListShardsRequest, KinesisJsonContext.Default.ListShardsResponse, cancellationToken);
            var pageShards = page.Shards ?? [];
            shards.AddRange(pageShards);
            if (page.NextToken is null || pageShards.Count == 0) return shards;
            exclusiveStart = pageShards[^1].ShardId;
        }
    }

    /// <summary>Polls DescribeStreamSummary until the stream is ACTIVE, or throws TimeoutException at the deadline.</summary>
    public async Task<StreamDescriptionSummary> WaitForStreamActiveAsync(string streamName, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            string status;
            try
            {
                var summary = await DescribeStreamSummaryAsync(streamName, cancellationToken);
                if (summary.StreamStatus == "ACTIVE") return summary;
                status = summary.StreamStatus;
            }
            catch (KinesisException e) when (e.Kind == KinesisErrorKind.ResourceNotFound)
            {
                status = "not found"; // right after CreateStream an eventually consistent endpoint may not know it yet
            }

            if (_time.GetUtcNow() >= deadline)
                throw new TimeoutException($"Stream {streamName} is not ACTIVE after {timeout} (status {status}).");
            await Task.Delay(Options.StreamStatusPollInterval, _time, cancellationToken);
        }
    }

    /// <summary>
    /// Polls until the stream is gone (ResourceNotFound), or throws TimeoutException at the deadline. DeleteStream
    /// returns while the stream is still DELETING, on AWS and on kinesalite alike.
    /// </summary>
    public async Task WaitForStreamDeletedAsync(string streamName, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            string status;
            try
            {
                status = (await DescribeStreamSummaryAsync(streamName, cancellationToken)).StreamStatus;
            }
            catch (KinesisException e) when (e.Kind == KinesisErrorKind.ResourceNotFound)
            {
                return;
            }

            if (_time.GetUtcNow() >= deadline)
                throw new TimeoutException($"Stream {streamName} still exists after {timeout} (status {status}).");
            await Task.Delay(Options.StreamStatusPollInterval, _time, cancellationToken);
        }
    }

    /// <summary>Creates the stream unless it exists (any state), then waits until it is ACTIVE. True if it created it.</summary>
    public async Task<bool> CreateStreamIfMissingAsync(string streamName, int shardCount, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var created = false;
        try
        {
            await CreateStreamAsync(streamName, shardCount, cancellationToken);
            created = true;
            _logger.LogInformation("Created Kinesis stream {Stream} with {Shards} shards", streamName, shardCount);
        }
        catch (KinesisException e) when (e.Kind == KinesisErrorKind.ResourceInUse)
        {
            _logger.LogDebug("Kinesis stream {Stream} exists already", streamName);
        }
        await WaitForStreamActiveAsync(streamName, timeout, cancellationToken);
        return created;
    }

    public Task SplitShardAsync(string streamName, string shardToSplit, string newStartingHashKey, CancellationToken cancellationToken = default) =>
        SendAsync("SplitShard", new SplitShardRequest(streamName, shardToSplit, newStartingHashKey),
            KinesisJsonContext.Default.SplitShardRequest, KinesisJsonContext.Default.EmptyResponse, cancellationToken);

    public Task MergeShardsAsync(string streamName, string shardToMerge, string adjacentShardToMerge, CancellationToken cancellationToken = default) =>
        SendAsync("MergeShards", new MergeShardsRequest(streamName, shardToMerge, adjacentShardToMerge),
            KinesisJsonContext.Default.MergeShardsRequest, KinesisJsonContext.Default.EmptyResponse, cancellationToken);

    // ---- reading -------------------------------------------------------------------------------------------

    /// <summary>
    /// An iterator into a shard. AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER need <paramref name="sequenceNumber"/>,
    /// AT_TIMESTAMP needs <paramref name="timestamp"/> (kinesalite hangs on AT_TIMESTAMP with no later record).
    /// </summary>
    public async Task<string> GetShardIteratorAsync(
        string streamName,
        string shardId,
        ShardIteratorType type,
        string? sequenceNumber = null,
        DateTimeOffset? timestamp = null,
        CancellationToken cancellationToken = default)
    {
        var needsSequence = type is ShardIteratorType.AtSequenceNumber or ShardIteratorType.AfterSequenceNumber;
        if (needsSequence && string.IsNullOrEmpty(sequenceNumber))
            throw new ArgumentException($"{type} needs a starting sequence number.", nameof(sequenceNumber));
        if (type == ShardIteratorType.AtTimestamp && timestamp is null)
            throw new ArgumentException("AT_TIMESTAMP needs a timestamp.", nameof(timestamp));

        var request = new GetShardIteratorRequest(streamName, shardId, WireName(type),
            needsSequence ? sequenceNumber : null,
            type == ShardIteratorType.AtTimestamp ? timestamp : null);
        var response = await SendAsync("GetShardIterator", request,
            KinesisJsonContext.Default.GetShardIteratorRequest, KinesisJsonContext.Default.GetShardIteratorResponse, cancellationToken);
        return response.ShardIterator;
    }

    /// <summary>
    /// One batch from a shard. An expired iterator surfaces as <see cref="KinesisErrorKind.ExpiredIterator"/>
    /// (not retried: the caller needs a new iterator after the last record it read).
    /// </summary>
    public Task<GetRecordsResponse> GetRecordsAsync(string shardIterator, int? limit = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(shardIterator);
        if (limit is { } l && (l < 1 || l > Options.GetRecordsMaxLimit))
            throw new ArgumentOutOfRangeException(nameof(limit), l, $"GetRecords takes a limit of 1 to {Options.GetRecordsMaxLimit}.");
        return SendAsync("GetRecords", new GetRecordsRequest(shardIterator, limit),
            KinesisJsonContext.Default.GetRecordsRequest, KinesisJsonContext.Default.GetRecordsResponse, cancellationToken);
    }

    // ---- writing -------------------------------------------------------------------------------------------

    /// <summary>
    /// Puts one record. A retried attempt whose first try reached the service may write the record twice
    /// (Kinesis is at-least-once); consumers deduplicate.
    /// </summary>
    public Task<PutRecordResponse> PutRecordAsync(
        string streamName,
        string partitionKey,
        ReadOnlyMemory<byte> data,
        string? explicitHashKey = null,
        string? sequenceNumberForOrdering = null,
        CancellationToken cancellationToken = default)
    {
        KinesisRecordLimits.ThrowIfInvalid(Options, partitionKey, data);
        return SendAsync("PutRecord", new PutRecordRequest(streamName, data, partitionKey, explicitHashKey, sequenceNumberForOrdering),
            KinesisJsonContext.Default.PutRecordRequest, KinesisJsonContext.Default.PutRecordResponse, cancellationToken);
    }

    /// <summary>
    /// One PutRecords call (≤ 500 records, ≤ 5 MiB). The answer may report failed records (FailedRecordCount &gt; 0);
    /// retrying those in order is the caller's job — see <see cref="KinesisProducer"/>.
    /// </summary>
    public Task<PutRecordsResponse> PutRecordsAsync(string streamName, IReadOnlyList<PutRecordsEntry> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0) throw new ArgumentException("PutRecords needs at least one record.", nameof(records));
        if (records.Count > Options.PutRecordsMaxRecords)
            throw new ArgumentException($"PutRecords takes at most {Options.PutRecordsMaxRecords} records, got {records.Count}.", nameof(records));
        long total = 0;
        var entries = new PutRecordsRequestEntry[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            total += KinesisRecordLimits.ThrowIfInvalid(Options, r.PartitionKey, r.Data);
            entries[i] = new PutRecordsRequestEntry(r.Data, r.PartitionKey, r.ExplicitHashKey);
        }
        if (total > Options.PutRecordsMaxBytes)
            throw new ArgumentException($"PutRecords takes at most {Options.PutRecordsMaxBytes} bytes, got {total}.", nameof(records));

        return SendAsync("PutRecords", new PutRecordsRequest(streamName, entries),
            KinesisJsonContext.Default.PutRecordsRequest, KinesisJsonContext.Default.PutRecordsResponse, cancellationToken);
    }

    // ---- transport -----------------------------------------------------------------------------------------

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        string action,
        TRequest request,
        JsonTypeInfo<TRequest> requestType,
        JsonTypeInfo<TResponse> responseType,
        CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var context = ResilienceContextPool.Shared.Get(action, cancellationToken);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Client.SendOnceAsync(state.Action, state.Body, state.ResponseType, ctx.CancellationToken),
                context,
                (Client: this, Action: action, Body: body, ResponseType: responseType));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async Task<TResponse> SendOnceAsync<TResponse>(string action, byte[] body, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        // A fresh message per attempt: a message cannot be sent twice, and the signature carries the time.
        using var message = new HttpRequestMessage(HttpMethod.Post, Options.Endpoint);
        message.Content = new ByteArrayContent(body);
        message.Content.Headers.ContentType = JsonContentType;
        message.Headers.TryAddWithoutValidation("X-Amz-Target", TargetPrefix + action);
        // Per attempt: temporary credentials may have been refreshed since the last one.
        var credentials = await Options.CredentialSource.GetAsync(cancellationToken);
        _signer.SignRequest(message, body, credentials, _time.GetUtcNow());

        // Headers first, then the body deserialized as it arrives: a GetRecords answer of thousands of records is
        // megabytes, and buffering it whole and then copying it into an array put two large-object-heap arrays
        // per call on the GC (the allocation profile's largest item after the journal's SQL text). A connection
        // dropped mid-body surfaces as an IOException, which the retry pipeline treats as transient.
        using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            TResponse? result;
            if (response.Content.Headers.ContentLength > 0)
            {
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                result = await JsonSerializer.DeserializeAsync(stream, responseType, cancellationToken);
            }
            else
            {
                // No length (chunked, a proxy) or an empty body: buffered, and an empty answer means "{}" as before.
                var buffered = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                result = JsonSerializer.Deserialize(buffered.Length == 0 ? "{}"u8 : buffered, responseType);
            }
            return result ?? throw new KinesisException(KinesisErrorKind.Unknown, "EmptyResponse", $"{action} answered null.", response.StatusCode);
        }
        throw ErrorFrom(action, response, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    private static KinesisException ErrorFrom(string action, HttpResponseMessage response, byte[] body)
    {
        ErrorBody? error = null;
        try
        {
            if (body.Length > 0) error = JsonSerializer.Deserialize(body, KinesisJsonContext.Default.ErrorBody);
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's or load balancer's page): the status code decides below.
        }

        var type = error?.Type;
        if (string.IsNullOrEmpty(type) && response.Headers.TryGetValues("x-amzn-ErrorType", out var values))
            type = values.FirstOrDefault();
        var shortType = KinesisException.ShortType(type);
        if (shortType.Length == 0) shortType = $"Http{(int)response.StatusCode}";
        var message = error?.Message ?? error?.MessageUpper ?? $"{action} failed with HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        return new KinesisException(KinesisException.KindOf(type, response.StatusCode), shortType, message, response.StatusCode);
    }

    private static string WireName(ShardIteratorType type) => type switch
    {
        ShardIteratorType.TrimHorizon => "TRIM_HORIZON",
        ShardIteratorType.Latest => "LATEST",
        ShardIteratorType.AtSequenceNumber => "AT_SEQUENCE_NUMBER",
        ShardIteratorType.AfterSequenceNumber => "AFTER_SEQUENCE_NUMBER",
        ShardIteratorType.AtTimestamp => "AT_TIMESTAMP",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public void Dispose()
    {
        _http.Dispose(); // disposes the handler too when the caller asked for it (disposeHandler)
    }
}
