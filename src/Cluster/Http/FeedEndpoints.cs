// Milestones (list and live server-sent events), dead letters (SPEC §6, §8) and this node's ingress status. Both read the SQL tables
// the ingress writes, so every node answers the same.
using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Basketball.Ingress.Consumer;
using Basketball.Ingress.DeadLetters;
using Basketball.Ingress.Hosting;
using Basketball.ReadSide.Milestones;

namespace Basketball.Cluster.Http;

public static class FeedEndpoints
{
    private const int DefaultLimit = 100;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How often the live feed looks for new milestones.</summary>
    public static readonly TimeSpan LivePollInterval = TimeSpan.FromMilliseconds(250);

    public static IEndpointRouteBuilder MapFeedEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/milestones", async (string? limit, MilestoneStore store, CancellationToken ct) =>
        {
            if (QueryLimit.TryRead(limit, DefaultLimit, out var count) is { } invalid)
                return invalid;
            var rows = await store.NewestAsync(count, ct);
            return Results.Ok(rows.Select(r => r.Milestone));
        }).WithSummary($"The newest milestones, newest first; limit 1..{QueryLimit.Max} (default {DefaultLimit}), else 400 invalid_limit");

        app.MapGet("/api/milestones/stream", async (HttpContext context, MilestoneStore store, CancellationToken ct) =>
        {
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            // Start at "now": a subscriber sees milestones published after it connected (GET /api/milestones has the past).
            var position = await store.LastPositionAsync(ct);
            await context.Response.WriteAsync(": connected\n\n", ct);
            await context.Response.Body.FlushAsync(ct);
            try
            {
                await foreach (var row in store.FollowAsync(position, LivePollInterval, ct))
                {
                    await context.Response.WriteAsync($"id: {row.Position}\nevent: milestone\ndata: {JsonSerializer.Serialize(row.Milestone, Json)}\n\n", ct);
                    await context.Response.Body.FlushAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // the subscriber went away: the normal end of a live feed
            }
        });

        // Not in SPEC §8: this node's shard readers (owner, checkpoint, lag, records read), for operators and tests.
        app.MapGet("/api/ingress/status", async (IRequiredActor<KinesisIngress> ingress, CancellationToken ct) =>
            Results.Ok(await ingress.ActorRef.Ask<IngressStatus>(GetIngressStatus.Instance, TimeSpan.FromSeconds(5), ct)));

        app.MapGet("/api/deadletters", async (string? limit, DeadLetterStore store, CancellationToken ct) =>
            QueryLimit.TryRead(limit, DefaultLimit, out var count) ?? Results.Ok(await store.NewestAsync(count, ct)))
            .WithSummary($"The newest dead letters, newest first; limit 1..{QueryLimit.Max} (default {DefaultLimit}), else 400 invalid_limit");

        return app;
    }
}
