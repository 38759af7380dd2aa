// A pass-through HTTP proxy in front of kinesalite that counts, per sequence number, how often GetRecords handed a
// record out. Nodes pointed at it (KINESIS_ENDPOINT) read exactly as before; the count is taken at the source,
// so a record that was read and then dropped unapplied (a GetRecords answer thrown away by a stopping reader)
// counts as a second read when the successor reads it again, which no counter inside the nodes can see. It also notes
// every PutRecords call (stream, time, records), so a test can tell what one node put after a given moment.
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Basketball.TestSupport;

public sealed class KinesisReadCounter : IAsyncDisposable
{
    private const string GetRecordsTarget = "Kinesis_20131202.GetRecords";
    private const string PutRecordsTarget = "Kinesis_20131202.PutRecords";

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly ConcurrentDictionary<string, int> _deliveries = new();
    private readonly ConcurrentQueue<PutRecordsCall> _puts = new();

    private KinesisReadCounter(WebApplication app, HttpClient upstream, string endpoint)
    {
        _app = app;
        _upstream = upstream;
        Endpoint = endpoint;
    }

    /// <summary>What the nodes take as KINESIS_ENDPOINT.</summary>
    public string Endpoint { get; }

    /// <summary>Sequence numbers handed out more than once, with how often (kinesalite's are unique in a stream).</summary>
    public IReadOnlyDictionary<string, int> ReadMoreThanOnce => _deliveries.Where(d => d.Value > 1).ToDictionary(d => d.Key, d => d.Value);

    public int DistinctRecordsRead => _deliveries.Count;

    /// <summary>Every PutRecords call that went through, in the order they arrived.</summary>
    public IReadOnlyList<PutRecordsCall> Puts => _puts.ToArray();

    public static async Task<KinesisReadCounter> StartAsync(Uri kinesalite)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var upstream = new HttpClient { BaseAddress = kinesalite, Timeout = TimeSpan.FromSeconds(60) };
        var counter = new KinesisReadCounter(app, upstream, $"http://127.0.0.1:{port}");
        app.Run(counter.ForwardAsync);
        await app.StartAsync();
        return counter;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        if (context.Request.Headers["X-Amz-Target"] == PutRecordsTarget)
            _puts.Enqueue(PutRecordsCall.Of(body.ToArray()));
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString)
        {
            Content = new ByteArrayContent(body.ToArray()),
        };
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                continue;
            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
                request.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            else
                request.Headers.TryAddWithoutValidation(name, values.ToArray());
        }

        using var response = await _upstream.SendAsync(request, context.RequestAborted);
        var answer = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
        if (response.IsSuccessStatusCode && context.Request.Headers["X-Amz-Target"] == GetRecordsTarget)
            Count(answer);

        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is MediaTypeHeaderValue type)
            context.Response.ContentType = type.ToString();
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    private void Count(byte[] getRecordsAnswer)
    {
        using var document = JsonDocument.Parse(getRecordsAnswer);
        if (!document.RootElement.TryGetProperty("Records", out var records))
            return;
        foreach (var record in records.EnumerateArray())
            _deliveries.AddOrUpdate(record.GetProperty("SequenceNumber").GetString()!, 1, (_, n) => n + 1);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}

/// <param name="At">When the call reached the proxy (UTC).</param>
/// <param name="Data">Each record's data, decoded as UTF-8.</param>
public sealed record PutRecordsCall(string Stream, DateTime At, int Records, IReadOnlyList<string> Data)
{
    public static PutRecordsCall Of(byte[] request)
    {
        using var document = JsonDocument.Parse(request);
        var root = document.RootElement;
        var data = root.GetProperty("Records").EnumerateArray()
            .Select(r => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(r.GetProperty("Data").GetString()!))).ToList();
        return new PutRecordsCall(root.GetProperty("StreamName").GetString()!, DateTime.UtcNow, data.Count, data);
    }
}
