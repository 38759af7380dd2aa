// What this node's shard readers are doing, for `ingress status`, /health/ready and the drain on shutdown.
// Reader workers move between nodes; each reports here while it runs on this node.
using System.Collections.Concurrent;
using Akka.Actor;

namespace Basketball.Ingress.Consumer;

public sealed class IngressStatusBoard
{
    private readonly ConcurrentDictionary<string, ShardStatus> _shards = new();
    private readonly ConcurrentDictionary<IActorRef, bool> _coordinators = new();

    /// <summary>The input stream answered the last probe (readiness: "ingress running").</summary>
    public bool StreamReachable { get; set; }

    public void Track(ShardStatus status) => _shards[status.ShardId] = status;

    public void Forget(string shardId) => _shards.TryRemove(shardId, out _);

    public void Started(IActorRef coordinator) => _coordinators[coordinator] = true;

    public void Stopped(IActorRef coordinator) => _coordinators.TryRemove(coordinator, out _);

    public IReadOnlyCollection<IActorRef> Coordinators => _coordinators.Keys.ToArray();

    /// <summary>The live statuses of the shards read here (for the metrics probe).</summary>
    internal IEnumerable<ShardStatus> Reading => _shards.Values.Where(s => s.Reading);

    public IReadOnlyList<ShardReport> Shards => _shards.Values
        .OrderBy(s => s.ShardId, StringComparer.Ordinal)
        .Select(s => new ShardReport(s.ShardId, s.Reading, s.CheckpointSequenceNumber, s.ShardEnded, s.MillisBehindLatest, s.RecordsRead,
            s.LastReadSequenceNumber))
        .ToArray();
}
