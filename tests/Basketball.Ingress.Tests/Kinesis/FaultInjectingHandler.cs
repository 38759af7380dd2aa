// A test double in front of the real kinesalite that injects what kinesalite never does: throttling, 5xx, dropped
// connections, expired iterators, and PutRecords calls that fail part of their records.
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Basketball.Ingress.Tests.Kinesis;

public abstract record Fault
{
    private Fault() { }

    /// <summary>Answer with an error body {"__type", "message"} without forwarding.</summary>
    public sealed record Error(HttpStatusCode Status, string Type, string Message) : Fault;

    /// <summary>Throw as a reset connection would (HttpRequestException wrapping an IOException), without forwarding.</summary>
    public sealed record DropConnection : Fault;

    /// <summary>Throw a bare IOException, without forwarding.</summary>
    public sealed record IoFailure : Fault;

    /// <summary>Never answer (until the caller's attempt times out or is cancelled).</summary>
    public sealed record Hang : Fault;

    /// <summary>Answer 200 with an empty body and no Content-Length (as a chunked answer or a proxy may), without forwarding.</summary>
    public sealed record EmptyAnswerWithoutLength : Fault;

    /// <summary>
    /// Mark the records the predicate picks (index in the call, partition key) as failed with
    /// ProvisionedThroughputExceededException, and forward only the others to kinesalite (so a failed record is
    /// really not written).
    /// </summary>
    public sealed record PartialPutRecords(Func<int, string, bool> Fails) : Fault;

    public static Fault Throttle() => new Error(HttpStatusCode.BadRequest, "ProvisionedThroughputExceededException", "Rate exceeded for shard (injected).");
    public static Fault InternalError() => new Error(HttpStatusCode.InternalServerError, "InternalFailure", "Internal failure (injected).");
    public static Fault Unavailable() => new Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "Service unavailable (injected).");
    public static Fault ExpiredIterator() => new Error(HttpStatusCode.BadRequest, "ExpiredIteratorException", "Iterator expired (injected).");
    public static Fault NotFound() => new Error(HttpStatusCode.BadRequest, "ResourceNotFoundException", "Stream not found (injected).");
}

public sealed class FaultInjectingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Queue<Fault>> _faults = new(StringComparer.Ordinal);
    private readonly List<SeenRequest> _seen = [];

    public sealed record SeenRequest(string Action, string? Authorization, string? AmzDate, string? SecurityToken, bool Forwarded);

    /// <summary>The next <paramref name="times"/> calls of <paramref name="action"/> (e.g. "GetRecords") get the fault.</summary>
    public FaultInjectingHandler Inject(string action, Fault fault, int times = 1)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(action, out var queue)) _faults[action] = queue = new Queue<Fault>();
            for (var i = 0; i < times; i++) queue.Enqueue(fault);
        }
        return this;
    }

    public IReadOnlyList<SeenRequest> Seen
    {
        get { lock (_gate) return _seen.ToList(); }
    }

    public int Count(string action) => Seen.Count(r => r.Action == action);

    public int PendingFaults(string action)
    {
        lock (_gate) return _faults.TryGetValue(action, out var q) ? q.Count : 0;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = request.Headers.TryGetValues("X-Amz-Target", out var values) ? values.First() : "";
        var action = target[(target.IndexOf('.') + 1)..];
        Fault? fault;
        lock (_gate) fault = _faults.TryGetValue(action, out var queue) && queue.Count > 0 ? queue.Dequeue() : null;

        string? Header(string name) => request.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;
        lock (_gate)
            _seen.Add(new SeenRequest(action, Header("Authorization"), Header("X-Amz-Date"), Header("X-Amz-Security-Token"),
                fault is null or Fault.PartialPutRecords));

        switch (fault)
        {
            case null:
                return await base.SendAsync(request, cancellationToken);
            case Fault.Error error:
                return Json(error.Status, new JsonObject { ["__type"] = error.Type, ["message"] = error.Message });
            case Fault.DropConnection:
                throw new HttpRequestException("Connection reset by peer (injected)", new IOException("Connection reset by peer"));
            case Fault.IoFailure:
                throw new IOException("Unable to read data from the transport connection (injected)");
            case Fault.Hang:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                throw new InvalidOperationException("unreachable");
            case Fault.EmptyAnswerWithoutLength:
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new UnknownLengthContent() };
            case Fault.PartialPutRecords partial:
                return await PartialPutRecordsAsync(request, partial, cancellationToken);
            default:
                throw new InvalidOperationException($"Unknown fault {fault}");
        }
    }

    private async Task<HttpResponseMessage> PartialPutRecordsAsync(HttpRequestMessage request, Fault.PartialPutRecords fault, CancellationToken cancellationToken)
    {
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
        var records = body["Records"]!.AsArray();
        var failed = new bool[records.Count];
        var forward = new JsonArray();
        for (var i = 0; i < records.Count; i++)
        {
            failed[i] = fault.Fails(i, records[i]!["PartitionKey"]!.GetValue<string>());
            if (!failed[i]) forward.Add(records[i]!.DeepClone());
        }

        var forwardedResults = new List<JsonNode?>();
        var forwardedFailures = 0;
        if (forward.Count > 0)
        {
            // kinesalite checks that a signature is present, not that it matches the (changed) body.
            using var inner = new HttpRequestMessage(HttpMethod.Post, request.RequestUri);
            foreach (var header in request.Headers) inner.Headers.TryAddWithoutValidation(header.Key, header.Value);
            var innerBody = new JsonObject { ["StreamName"] = body["StreamName"]!.DeepClone(), ["Records"] = forward };
            inner.Content = new StringContent(innerBody.ToJsonString(), Encoding.UTF8);
            inner.Content.Headers.ContentType = request.Content.Headers.ContentType;
            using var response = await base.SendAsync(inner, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
                return new HttpResponseMessage(response.StatusCode) { Content = new StringContent(text) };
            var answer = JsonNode.Parse(text)!.AsObject();
            forwardedFailures = answer["FailedRecordCount"]?.GetValue<int>() ?? 0;
            forwardedResults.AddRange(answer["Records"]!.AsArray().Select(n => n?.DeepClone()));
        }

        var merged = new JsonArray();
        var next = 0;
        for (var i = 0; i < records.Count; i++)
        {
            merged.Add(failed[i]
                ? new JsonObject
                {
                    ["ErrorCode"] = "ProvisionedThroughputExceededException",
                    ["ErrorMessage"] = "Rate exceeded for shard (injected partial failure).",
                }
                : forwardedResults[next++]);
        }
        return Json(HttpStatusCode.OK,
            new JsonObject { ["FailedRecordCount"] = failed.Count(f => f) + forwardedFailures, ["Records"] = merged });
    }

    private static HttpResponseMessage Json(HttpStatusCode status, JsonObject body) =>
        new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/x-amz-json-1.1") };
}

/// <summary>An empty body whose length is not known in advance (no Content-Length header).</summary>
internal sealed class UnknownLengthContent : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => Task.CompletedTask;

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
