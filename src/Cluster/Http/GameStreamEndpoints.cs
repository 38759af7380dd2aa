// GET /api/games (the games this node's live feed holds, newest change first) and GET /api/games/stream (server-sent
// events: a game's projection each time its journal gets a row), both from LiveGameFeed.
using System.Text.Json;
using Basketball.Domain.Events;
using Basketball.ReadSide.Live;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Basketball.Cluster.Http;

public static class GameStreamEndpoints
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    /// <summary>A comment line this often keeps proxies and browsers from closing a quiet stream.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    private static readonly string KnownStatuses = string.Join(", ", Enum.GetNames<GameStatus>());

    public static IEndpointRouteBuilder MapGameStreamEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/games", async (HttpRequest request, LiveGameFeed feed) =>
        {
            var query = request.Query;
            if (QueryLimit.TryRead(query.TryGetValue("limit", out var limitText) ? limitText.ToString() : null, DefaultLimit, out var limit, MaxLimit)
                is { } invalid)
                return invalid;
            string? status = null;
            if (query.TryGetValue("status", out var statusText))
            {
                status = Enum.GetNames<GameStatus>().FirstOrDefault(s => s.Equals(statusText, StringComparison.OrdinalIgnoreCase));
                if (status is null)
                    return Results.BadRequest(new ErrorBody("invalid_status", $"status must be one of {KnownStatuses}, not '{QueryLimit.Quote(statusText.ToString())}'"));
            }
            await feed.EnsureStartedAsync();
            return Results.Ok(feed.Games(status, limit));
        });

        app.MapGet("/api/games/stream", async (HttpContext context, LiveGameFeed feed, IOptions<JsonOptions> json, CancellationToken ct) =>
        {
            await feed.EnsureStartedAsync();
            var changes = feed.Subscribe(ct);
            var response = context.Response;
            response.Headers.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            await response.WriteAsync(": connected\n\n", ct);
            await response.Body.FlushAsync(ct);
            try
            {
                while (true)
                {
                    using var quiet = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    quiet.CancelAfter(KeepAliveInterval);
                    bool open;
                    try
                    {
                        open = await changes.WaitToReadAsync(quiet.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        await response.WriteAsync(": keep-alive\n\n", ct);
                        await response.Body.FlushAsync(ct);
                        continue;
                    }
                    if (!open)
                        break;
                    while (changes.TryRead(out var game))
                    {
                        var data = JsonSerializer.Serialize(game.Projection, json.Value.SerializerOptions);
                        await response.WriteAsync($"id: {game.Offset}\nevent: game\ndata: {data}\n\n", ct);
                    }
                    await response.Body.FlushAsync(ct);
                }
            }
            catch (SlowSubscriberException slow)
            {
                // Said in the stream itself: the client reconnects and reads GET /api/games again.
                await response.WriteAsync($"event: dropped\ndata: {JsonSerializer.Serialize(new ErrorBody("too_slow", slow.Message), json.Value.SerializerOptions)}\n\n", ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // the subscriber went away: the normal end of a live feed
            }
        });
        return app;
    }
}
