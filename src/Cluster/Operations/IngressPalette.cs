// `ingress`: per Kinesis shard, who reads it, its checkpoint, lag and rate; and moving a shard's start position.
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Cluster;
using Basketball.Ingress.Checkpoints;
using Basketball.Kinesis;
using Basketball.Ops;
using static Basketball.Ops.OpsCatalog;

namespace Basketball.Cluster.Operations;

/// <param name="Owner">The node whose reader reads the shard now; else the last owner in the checkpoint table.</param>
public sealed record ShardIngress(string ShardId, string? Owner, bool Reading, string? Checkpoint, bool ShardEnd, long? Epoch,
    long? MillisBehindLatest, double? RecordsPerSecond)
{
    [JsonIgnore]
    public string Line =>
        $"{ShardId} | owner: {Owner ?? "none"}{(Reading ? "" : " (not reading)")} | checkpoint: {(ShardEnd ? "SHARD_END" : Checkpoint ?? "none")}" +
        $" | behind: {(MillisBehindLatest is null ? "-" : $"{MillisBehindLatest} ms")} | {(RecordsPerSecond is null ? "-" : $"{RecordsPerSecond:0.0}")} records/s";
}

public sealed record IngressStatusReport(string Stream, IReadOnlyList<ShardIngress> Shards, IReadOnlyList<string> Unanswered)
{
    public IReadOnlyList<string> Lines() =>
    [
        .. Shards.Select(s => s.Line),
        .. Unanswered.Select(node => $"{node} | no answer: its readers are not shown"),
        $"Count: {Shards.Count} shards | {Shards.Count(s => s.Reading)} reading{(Unanswered.Count > 0 ? " (PARTIAL)" : "")}",
    ];
}

public sealed record IngressReset(string Stream, string ShardId, string Position)
{
    public IReadOnlyList<string> Lines() =>
    [
        $"{ShardId} of {Stream}: reset to {Position}",
        "its reader is fenced and stops; the next owner reads from there (duplicates are recognised and change nothing)",
    ];
}

public static class IngressPalette
{
    private static readonly TimeSpan NodeTimeout = TimeSpan.FromSeconds(3);

    public static OpsPalette Create(ActorSystem system, ICheckpointStore checkpoints, KinesisClient kinesis, string stream) =>
        OpsPalette.Of("ingress", "the Kinesis shard readers",
            Query(Command("status", "per Kinesis shard: owner node, checkpoint, millisBehindLatest, records/s"),
                async (_, ct) =>
                {
                    var report = await StatusAsync(system, checkpoints, stream, ct);
                    return new OpsOutput(report.Lines(), report);
                }),
            Query(Command("reset", "make a shard start again from a position (fences its current reader)",
                    Opt("-s", "Kinesis shard id, e.g. shardId-000000000000", required: true),
                    Opt("--to", "TRIM_HORIZON | LATEST | AT_TIMESTAMP:iso-8601", required: true)) with { Changes = true },
                async (invocation, ct) =>
                {
                    var reset = await ResetAsync(checkpoints, kinesis, stream, invocation.Required("s"), invocation.Required("to"), ct);
                    return new OpsOutput(reset.Lines(), reset);
                }));

    public static async Task<IngressStatusReport> StatusAsync(ActorSystem system, ICheckpointStore checkpoints, string stream,
        CancellationToken cancellationToken)
    {
        var rows = await checkpoints.ListAsync(stream, cancellationToken);
        var state = Akka.Cluster.Cluster.Get(system).State;
        var nodes = state.Members.Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.Exiting).ToArray();
        var answers = await Task.WhenAll(nodes.Select(async member =>
        {
            try
            {
                var agent = system.ActorSelection(new RootActorPath(member.Address) / "user" / OpsAgent.Name);
                return (member.Address.ToString(), report: await agent.Ask<NodeIngressReport>(NodeIngressQuery.Instance, NodeTimeout, cancellationToken));
            }
            catch (AskTimeoutException)
            {
                return (member.Address.ToString(), report: (NodeIngressReport?)null);
            }
        }));

        var live = answers.Where(a => a.report is not null)
            .SelectMany(a => a.report!.Readers.Where(r => r.Reading).Select(r => (node: a.report.Node, reader: r)))
            .GroupBy(x => x.reader.ShardId)
            .ToDictionary(g => g.Key, g => g.First());
        var shardIds = rows.Select(r => r.ShardId).Union(live.Keys).Order(StringComparer.Ordinal);
        var shards = shardIds.Select(id =>
        {
            var row = rows.FirstOrDefault(r => r.ShardId == id);
            var reading = live.TryGetValue(id, out var reader);
            return new ShardIngress(id,
                reading ? reader.node : row?.Owner?.Split('#')[0],
                reading,
                row?.SequenceNumber,
                row?.ShardEnd ?? false,
                row?.Epoch,
                reading ? reader.reader.MillisBehindLatest : null,
                reading ? reader.reader.RecordsPerSecond : null);
        }).ToArray();
        return new IngressStatusReport(stream, shards, answers.Where(a => a.report is null).Select(a => a.Item1).ToArray());
    }

    private static async Task<IngressReset> ResetAsync(ICheckpointStore checkpoints, KinesisClient kinesis, string stream, string shardId, string to,
        CancellationToken cancellationToken)
    {
        if (!ShardStartPosition.TryParse(to, out var position))
            throw OpsCommandException.Usage($"--to '{to}' is not a position: use TRIM_HORIZON, LATEST or AT_TIMESTAMP:<ISO-8601 time>");
        var shards = await kinesis.ListShardsAsync(stream, cancellationToken);
        if (shards.All(s => s.ShardId != shardId))
            throw OpsCommandException.Failed($"{stream} has no shard '{shardId}'; shards: {string.Join(", ", shards.Select(s => s.ShardId))}");
        await checkpoints.ResetAsync(stream, shardId, position, cancellationToken);
        return new IngressReset(stream, shardId, position.ToString());
    }
}
