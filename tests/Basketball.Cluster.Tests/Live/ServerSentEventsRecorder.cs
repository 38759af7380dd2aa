// Follows one of the node's server-sent event streams in the background and keeps every event with the moment it
// arrived: what a subscriber of /api/games/stream or /api/milestones/stream saw, and when.
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace Basketball.Cluster.Tests.Live;

public sealed class ServerSentEventsRecorder : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<ReceivedEvent> _events = [];
    private Task _reading = Task.CompletedTask;

    private ServerSentEventsRecorder(HttpClient http, HttpResponseMessage response)
    {
        _http = http;
        _response = response;
    }

    /// <summary>Connects and returns once the node answered: the node subscribes before it sends its headers, so
    /// every event from then on is recorded.</summary>
    public static async Task<ServerSentEventsRecorder> StartAsync(Uri node, string path)
    {
        // No client timeout: the stream stays open for the whole test.
        var http = new HttpClient { BaseAddress = node, Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            using var connect = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, connect.Token);
            response.EnsureSuccessStatusCode();
            if (response.Content.Headers.ContentType?.MediaType != "text/event-stream")
                throw new InvalidOperationException($"{path} answered {response.Content.Headers.ContentType}, not text/event-stream");
            var recorder = new ServerSentEventsRecorder(http, response);
            var stream = await response.Content.ReadAsStreamAsync(connect.Token);
            recorder._reading = Task.Run(() => recorder.ReadAsync(stream));
            return recorder;
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>Every event so far, in the order it arrived.</summary>
    public IReadOnlyList<ReceivedEvent> Events
    {
        get { lock (_events) return _events.ToList(); }
    }

    /// <summary>Completes when the node ends the stream (or the recorder is disposed).</summary>
    public Task Ended => _reading;

    private async Task ReadAsync(Stream stream)
    {
        var parser = SseParser.Create(stream);
        try
        {
            await foreach (var item in parser.EnumerateAsync(_stop.Token))
            {
                var received = new ReceivedEvent(item.EventType, parser.LastEventId, JsonDocument.Parse(item.Data).RootElement.Clone(),
                    DateTimeOffset.UtcNow);
                lock (_events) _events.Add(received);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            // disposed: the end of the recording
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _response.Dispose();
        await _reading;
        _http.Dispose();
        _stop.Dispose();
    }
}

/// <param name="Id">The event's id (the node's offset), empty when it sent none.</param>
public sealed record ReceivedEvent(string Type, string Id, JsonElement Data, DateTimeOffset At);
