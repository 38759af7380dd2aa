// `cluster-sharding`: asks every member's region itself, each with a deadline, so that one slow or unreachable
// node shows up as such next to the others' answers instead of emptying the whole answer.
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Basketball.Ops;
using static Basketball.Ops.OpsCatalog;

namespace Basketball.Cluster.Operations;

/// <param name="Error">Set when the region did not answer (then the counts are null).</param>
public sealed record RegionStats(string Member, bool Coordinator, int? Shards, int? Entities, IReadOnlyList<string> FailedShards, string? Error);

public sealed record RegionStatsReport(string TypeName, IReadOnlyList<RegionStats> Regions)
{
    public int Shards => Regions.Sum(r => r.Shards ?? 0);

    public int Entities => Regions.Sum(r => r.Entities ?? 0);

    public bool Partial => Regions.Any(r => r.Error is not null || r.FailedShards.Count > 0);

    /// <summary>pbm's lines: the member, the <c>[coordinator](type)</c> marker where it runs, then the counts.</summary>
    public IReadOnlyList<string> Lines()
    {
        var lines = new List<string>();
        foreach (var region in Regions)
        {
            var marker = region.Coordinator ? $" [coordinator]({TypeName})" : "";
            if (region.Error is not null)
            {
                lines.Add($"{region.Member}{marker} | {region.Error}");
                continue;
            }
            var failed = region.FailedShards.Count == 0 ? "" : $" | failed shards: {string.Join(",", region.FailedShards)}";
            lines.Add($"{region.Member}{marker} | shards: {region.Shards} | entities: {region.Entities}{failed}");
        }
        lines.Add($"Total: shards: {Shards} | entities: {Entities}{(Partial ? " | PARTIAL: see the lines above" : "")}");
        return lines;
    }
}

public sealed record RegionList(IReadOnlyList<string> Regions)
{
    public IReadOnlyList<string> Lines() => [.. Regions, $"Count: {Regions.Count} regions"];
}

public sealed record ShardView(string ShardId, string Member, IReadOnlyList<string> EntityIds);

public sealed record ShardStatsReport(string TypeName, IReadOnlyList<ShardView> Shards, IReadOnlyList<RegionStats> Unanswered)
{
    public IReadOnlyList<string> Lines() =>
    [
        .. Shards.Select(s => $"shard {s.ShardId} | entities: {s.EntityIds.Count} | {s.Member}"),
        .. Unanswered.Select(r => $"{r.Member} | {r.Error ?? $"failed shards: {string.Join(",", r.FailedShards)}"}"),
        $"Count: {Shards.Count} shards, {Shards.Sum(s => s.EntityIds.Count)} entities{(Unanswered.Count > 0 ? " (PARTIAL)" : "")}",
    ];

    public IReadOnlyList<string> EntityLines() =>
    [
        .. Shards.SelectMany(s => s.EntityIds.Select(e => $"{s.ShardId} | {e}")),
        .. Unanswered.Select(r => $"{r.Member} | {r.Error ?? $"failed shards: {string.Join(",", r.FailedShards)}"}"),
        $"Count: {Shards.Sum(s => s.EntityIds.Count)} entities{(Unanswered.Count > 0 ? " (PARTIAL)" : "")}",
    ];
}

public static class ShardingPalette
{
    public static readonly TimeSpan RegionTimeout = TimeSpan.FromSeconds(3);

    public static OpsPalette Create(ActorSystem system)
    {
        var typeOption = Opt("-r", "entity type (see `cluster-sharding regions`)", required: true);
        return OpsPalette.Of("cluster-sharding", "sharded entity types, where their shards and entities live",
                Query(Command("regions", "the sharded entity types of this cluster"), () => Regions(system)),
                Query(Command("region-stats", "per member: shards and entities of a type, and which member runs its coordinator", typeOption),
                    async (invocation, ct) => RegionStatsOutput(await RegionStatsAsync(system, TypeName(system, invocation), ct))),
                Query(Command("shard-stats", "per shard: entities and the member that hosts it", typeOption),
                    async (invocation, ct) =>
                    {
                        var report = await ShardStatsAsync(system, TypeName(system, invocation), null, ct);
                        return new OpsOutput(report.Lines(), report);
                    }),
                Query(Command("entity-ids", "the live entity ids of a type (of one shard with -s)", typeOption, Opt("-s", "shard id")),
                    async (invocation, ct) =>
                    {
                        var report = await ShardStatsAsync(system, TypeName(system, invocation), invocation.Option("s"), ct);
                        return new OpsOutput(report.EntityLines(), report);
                    }))
            .WithAliases("cluster sharding");
    }

    private static OpsOutput Regions(ActorSystem system)
    {
        var regions = new RegionList(ClusterSharding.Get(system).ShardTypeNames.Order(StringComparer.Ordinal).ToArray());
        return new OpsOutput(regions.Lines(), regions);
    }

    private static OpsOutput RegionStatsOutput(RegionStatsReport report) => new(report.Lines(), report);

    private static string TypeName(ActorSystem system, OpsInvocation invocation)
    {
        var name = invocation.Required("r");
        var known = ClusterSharding.Get(system).ShardTypeNames;
        return known.Contains(name)
            ? name
            : throw OpsCommandException.Usage($"no sharded type '{name}'; types: {string.Join(", ", known.Order(StringComparer.Ordinal))}");
    }

    public static async Task<RegionStatsReport> RegionStatsAsync(ActorSystem system, string typeName, CancellationToken cancellationToken)
    {
        var members = Members(system);
        var coordinator = await CoordinatorAsync(system, typeName, members, cancellationToken);
        var answers = await Task.WhenAll(members.Select(async member =>
        {
            var address = member.Address.ToString();
            var isCoordinator = member.Address.Equals(coordinator);
            try
            {
                var stats = await Region(system, member, typeName).Ask<ShardRegionStats>(GetShardRegionStats.Instance, RegionTimeout, cancellationToken);
                return new RegionStats(address, isCoordinator, stats.Stats.Count, stats.Stats.Values.Sum(),
                    stats.Failed.Order(StringComparer.Ordinal).ToArray(), null);
            }
            catch (AskTimeoutException)
            {
                return new RegionStats(address, isCoordinator, null, null, [], $"no answer within {RegionTimeout.TotalSeconds:0} s");
            }
        }));
        return new RegionStatsReport(typeName, answers);
    }

    private static async Task<ShardStatsReport> ShardStatsAsync(ActorSystem system, string typeName, string? shard, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(Members(system).Select(async member =>
        {
            var address = member.Address.ToString();
            try
            {
                var state = await Region(system, member, typeName).Ask<CurrentShardRegionState>(GetShardRegionState.Instance, RegionTimeout, cancellationToken);
                var shards = state.Shards
                    .Where(s => shard is null || s.ShardId == shard)
                    .Select(s => new ShardView(s.ShardId, address, s.EntityIds.Order(StringComparer.Ordinal).ToArray()))
                    .ToArray();
                var failed = state.Failed.Where(f => shard is null || f == shard).Order(StringComparer.Ordinal).ToArray();
                return (shards, problem: failed.Length == 0 ? null : new RegionStats(address, false, null, null, failed, null));
            }
            catch (AskTimeoutException)
            {
                return (shards: Array.Empty<ShardView>(),
                    problem: (RegionStats?)new RegionStats(address, false, null, null, [], $"no answer within {RegionTimeout.TotalSeconds:0} s"));
            }
        }));
        var all = answers.SelectMany(a => a.shards).OrderBy(s => s.ShardId.PadLeft(8, '0'), StringComparer.Ordinal).ToArray();
        return new ShardStatsReport(typeName, all, answers.Where(a => a.problem is not null).Select(a => a.problem!).ToArray());
    }

    /// <summary>Members that can host regions: every member not yet removed, in address order.</summary>
    private static Member[] Members(ActorSystem system)
    {
        var state = Akka.Cluster.Cluster.Get(system).State;
        return state.Members.Union(state.Unreachable)
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.WeaklyUp)
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .ToArray();
    }

    private static ActorSelection Region(ActorSystem system, Member member, string typeName) =>
        system.ActorSelection(new RootActorPath(member.Address) / "system" / "sharding" / typeName);

    /// <summary>Where the coordinator singleton of the type really runs: the member whose coordinator answers Identify.</summary>
    private static async Task<Address?> CoordinatorAsync(ActorSystem system, string typeName, IEnumerable<Member> members, CancellationToken cancellationToken)
    {
        var probes = members.Select(async member =>
        {
            var path = new RootActorPath(member.Address) / "system" / "sharding" / $"{typeName}Coordinator" / "singleton" / "coordinator";
            try
            {
                var identity = await system.ActorSelection(path).Ask<ActorIdentity>(new Identify(null), RegionTimeout, cancellationToken);
                return identity.Subject is null ? null : member.Address;
            }
            catch (AskTimeoutException)
            {
                return null;
            }
        });
        return (await Task.WhenAll(probes)).FirstOrDefault(a => a is not null);
    }
}
