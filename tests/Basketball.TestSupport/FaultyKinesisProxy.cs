// An HTTP proxy in front of kinesalite that misbehaves like a real Kinesis on a bad day, for a window of time:
// kinesalite never throttles, never fails and never mis-reports, so these faults need a double. Node and simulator
// point their KINESIS_ENDPOINT at it; outside the window (and for two requests of every three in it) it forwards.
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Basketball.TestSupport;

public sealed class FaultyKinesisProxy : IAsyncDisposable
{
    /// <summary>What a faulty request gets, in turn.</summary>
    public enum FaultKind
    {
        /// <summary>500 InternalFailure, nothing forwarded.</summary>
        InternalFailure,
        /// <summary>400 ProvisionedThroughputExceededException, nothing forwarded.</summary>
        Throttled,
        /// <summary>The connection is cut before anything is forwarded.</summary>
        DroppedConnection,
        /// <summary>Forwarded after a delay (the answer is right, only late).</summary>
        SlowAnswer,
        /// <summary>
        /// PutRecords only: forwarded (kinesalite stores every record) and every other successful entry of the answer
        /// rewritten as failed, so the producer sends those records again and they are on the stream twice. Any
        /// other action gets an InternalFailure instead.
        /// </summary>
        AcceptedReportedFailed,
    }

    public static readonly TimeSpan SlowAnswerDelay = TimeSpan.FromMilliseconds(1500);

    private static readonly FaultKind[] Rotation =
        [FaultKind.InternalFailure, FaultKind.AcceptedReportedFailed, FaultKind.Throttled, FaultKind.DroppedConnection, FaultKind.SlowAnswer];

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private long _requests;
    private long _faultsInjected;
    private DateTime _windowEnds = DateTime.MinValue;
    private readonly Dictionary<FaultKind, int> _byKind = Enum.GetValues<FaultKind>().ToDictionary(k => k, _ => 0);
    private int _recordsReportedFailed;

    private FaultyKinesisProxy(WebApplication app, Uri target)
    {
        _app = app;
        _upstream = new HttpClient { BaseAddress = target, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The proxy's address: what KINESIS_ENDPOINT names.</summary>
    public Uri Endpoint { get; private set; } = null!;

    public long FaultsInjected => Interlocked.Read(ref _faultsInjected);

    /// <summary>Entries of PutRecords answers that said failed for a record kinesalite had stored.</summary>
    public int RecordsReportedFailed => Volatile.Read(ref _recordsReportedFailed);

    public IReadOnlyDictionary<FaultKind, int> FaultsByKind
    {
        get
        {
            lock (_byKind)
                return new Dictionary<FaultKind, int>(_byKind);
        }
    }

    public static async Task<FaultyKinesisProxy> StartAsync(Uri kinesalite)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var proxy = new FaultyKinesisProxy(app, kinesalite);
        app.Run(proxy.HandleAsync);
        await app.StartAsync();
        proxy.Endpoint = new Uri(app.Urls.First());
        return proxy;
    }

    /// <summary>From now on, for <paramref name="length"/>, every third request gets the next fault of the rotation.</summary>
    public void StartFaultWindow(TimeSpan length)
    {
        lock (_byKind)
            _windowEnds = DateTime.UtcNow + length;
    }

    private bool InWindow
    {
        get
        {
            lock (_byKind)
                return DateTime.UtcNow < _windowEnds;
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context.Request);
        var action = context.Request.Headers["X-Amz-Target"].ToString().Split('.').LastOrDefault() ?? "";
        var number = Interlocked.Increment(ref _requests);
        if (!InWindow || number % 3 != 0)
        {
            await ForwardAsync(context, body, rewrite: false);
            return;
        }

        var kind = Rotation[(int)(Interlocked.Increment(ref _faultsInjected) % Rotation.Length)];
        if (kind == FaultKind.AcceptedReportedFailed && action != "PutRecords")
            kind = FaultKind.InternalFailure;
        lock (_byKind)
            _byKind[kind]++;
        switch (kind)
        {
            case FaultKind.InternalFailure:
                await ErrorAsync(context, HttpStatusCode.InternalServerError, "InternalFailure", "Internal service failure (injected).");
                break;
            case FaultKind.Throttled:
                await ErrorAsync(context, HttpStatusCode.BadRequest, "ProvisionedThroughputExceededException",
                    "Rate exceeded for shard shardId-000000000000 in stream (injected).");
                break;
            case FaultKind.DroppedConnection:
                context.Abort();
                break;
            case FaultKind.SlowAnswer:
                await Task.Delay(SlowAnswerDelay, context.RequestAborted);
                await ForwardAsync(context, body, rewrite: false);
                break;
            case FaultKind.AcceptedReportedFailed:
                await ForwardAsync(context, body, rewrite: true);
                break;
        }
    }

    private async Task ForwardAsync(HttpContext context, byte[] body, bool rewrite)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString)
        {
            Content = new ByteArrayContent(body),
        };
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                continue;
            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
                request.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
        }
        using var response = await _upstream.SendAsync(request, context.RequestAborted);
        var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if (rewrite && response.IsSuccessStatusCode)
            answer = ReportSomeAsFailed(answer);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString() ?? "application/x-amz-json-1.1";
        context.Response.ContentLength = answer.Length;
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    /// <summary>Every other successful entry (the first included) becomes a throttling failure; FailedRecordCount follows.</summary>
    private byte[] ReportSomeAsFailed(byte[] answer)
    {
        var root = JsonNode.Parse(answer)!.AsObject();
        var records = root["Records"]!.AsArray();
        var failed = 0;
        for (var i = 0; i < records.Count; i++)
        {
            if (i % 2 == 0 && records[i]!["SequenceNumber"] is not null)
            {
                records[i] = new JsonObject
                {
                    ["ErrorCode"] = "ProvisionedThroughputExceededException",
                    ["ErrorMessage"] = "Rate exceeded (injected: the record was stored)",
                };
                Interlocked.Increment(ref _recordsReportedFailed);
            }
            if (records[i]!["ErrorCode"] is not null)
                failed++;
        }
        root["FailedRecordCount"] = failed;
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private static async Task ErrorAsync(HttpContext context, HttpStatusCode status, string type, string message)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/x-amz-json-1.1";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, string> { ["__type"] = type, ["message"] = message }));
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
