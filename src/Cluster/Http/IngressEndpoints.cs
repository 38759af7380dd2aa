// POST /api/events (SPEC §8): validate each envelope with the same parser the consumer uses, put the valid
// ones to Kinesis (partition key = aggregateId), answer what was accepted and why the rest was not. Each event is
// judged and put as the bytes it had in the body, so HTTP and Kinesis producers get the same answer for a record.
using System.Runtime.InteropServices;
using System.Text.Json;
using Basketball.Domain.Events;
using Basketball.Kinesis;

namespace Basketball.Cluster.Http;

public static class IngressEndpoints
{
    public const int MaxBodyBytes = 5 * 1024 * 1024;
    public const int MaxEventsPerRequest = 500;

    public static IEndpointRouteBuilder MapIngressEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/events", async (HttpRequest request, KinesisProducer producer, CancellationToken ct) =>
        {
            if (request.ContentLength > MaxBodyBytes)
                return TooLarge();
            var body = await ReadBodyAsync(request, ct);
            if (body is null)
                return TooLarge();

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(body);
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException)
            {
                return Results.BadRequest(new ErrorBody("malformed_json", $"the body is not JSON: {ex.Message}"));
            }

            using (document)
            {
                var elements = document.RootElement.ValueKind == JsonValueKind.Array
                    ? document.RootElement.EnumerateArray().ToList()
                    : [document.RootElement];
                if (elements.Count > MaxEventsPerRequest)
                    return Results.BadRequest(new ErrorBody("too_many_events", $"at most {MaxEventsPerRequest} events per request, got {elements.Count}"));

                var rejected = new List<RejectedEvent>();
                var valid = new List<(int Index, EventEnvelope Event, byte[] Raw)>();
                for (var i = 0; i < elements.Count; i++)
                {
                    // The event's own bytes, as the producer sent them: writing the element anew would throw on a lone
                    // surrogate escape and would turn bytes that are not UTF-8 into U+FFFD, so the parser would judge (and
                    // Kinesis would carry) another record than the one a Kinesis producer's reader would dead-letter.
                    var raw = JsonMarshal.GetRawUtf8Value(elements[i]).ToArray();
                    switch (EventParser.Parse(raw))
                    {
                        case ParseResult.Parsed parsed:
                            valid.Add((i, parsed.Event, raw));
                            break;
                        case ParseResult.Invalid invalid:
                            rejected.Add(new RejectedEvent(i, invalid.Rejection.EventId, invalid.Rejection.Code, invalid.Rejection.Message));
                            break;
                    }
                }

                var accepted = 0;
                if (valid.Count > 0)
                {
                    var result = await producer.PutAsync(valid.Select(v => (v.Event.AggregateId, (ReadOnlyMemory<byte>)v.Raw)).ToList(), ct);
                    for (var k = 0; k < valid.Count; k++)
                    {
                        var outcome = result.Records[k];
                        if (outcome.Succeeded)
                            accepted++;
                        else
                            rejected.Add(new RejectedEvent(valid[k].Index, valid[k].Event.EventId, RejectionReason.ProcessingFailed.ToCode(),
                                $"Kinesis did not accept the record: {outcome.ErrorCode} {outcome.ErrorMessage}"));
                    }
                }

                rejected.Sort((a, b) => a.Index.CompareTo(b.Index));
                return Results.Json(new AcceptedEvents(accepted, rejected), statusCode: StatusCodes.Status202Accepted);
            }
        }).AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<WriteAccess>().Check(context.HttpContext.Request) ?? await next(context));
        return app;
    }

    private static IResult TooLarge() =>
        Results.Json(new ErrorBody("too_large", $"the body is over {MaxBodyBytes} bytes"), statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>The body, or null when it is over the limit (a chunked body has no Content-Length to check first).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}

public sealed record RejectedEvent(int Index, string? EventId, string Reason, string Message);

public sealed record AcceptedEvents(int Accepted, IReadOnlyList<RejectedEvent> Rejected);
