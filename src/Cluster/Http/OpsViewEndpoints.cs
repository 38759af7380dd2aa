// GET /api/ops/overview: everything the read-only /ops page shows in one answer, gathered with the operator
// palettes' own queries (members, every Kinesis shard across the cluster, entities per type) plus dead letters by
// reason and this node's events/s. Nothing here changes the system.
using Akka.Actor;
using Akka.Cluster.Sharding;
using Basketball.Cluster.Configuration;
using Basketball.Cluster.Live;
using Basketball.Cluster.Operations;
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.DeadLetters;
using Basketball.ReadSide.Live;

namespace Basketball.Cluster.Http;

/// <param name="EventsPerSecond">Events applied per second on the answering node, oldest first, one point a second.</param>
public sealed record OpsOverview(
    string Node,
    DateTimeOffset At,
    IReadOnlyList<MemberView> Members,
    IngressStatusReport Ingress,
    IReadOnlyList<double> EventsPerSecond,
    IReadOnlyDictionary<string, long> DeadLettersByReason,
    IReadOnlyList<RegionStatsReport> Entities,
    int LiveSubscribers);

public static class OpsViewEndpoints
{
    public static IEndpointRouteBuilder MapOpsViewEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/ops/overview", async (ActorSystem system, NodeConfiguration configuration, ICheckpointStore checkpoints,
            DeadLetterStore deadLetters, EventRateSampler rate, LiveGameFeed feed, CancellationToken ct) =>
        {
            var cluster = Akka.Cluster.Cluster.Get(system);
            var ingress = IngressPalette.StatusAsync(system, checkpoints, configuration.Settings.Ingress.Options.StreamName, ct);
            var entities = Task.WhenAll(ClusterSharding.Get(system).ShardTypeNames.Order(StringComparer.Ordinal)
                .Select(type => ShardingPalette.RegionStatsAsync(system, type, ct)));
            var byReason = deadLetters.CountByReasonAsync(ct);
            return Results.Ok(new OpsOverview(cluster.SelfAddress.ToString(), DateTimeOffset.UtcNow, ClusterPalette.Snapshot(cluster).Members,
                await ingress, rate.PerSecond(), await byReason, await entities, feed.SubscriberCount));
        });
        return app;
    }
}
