// Which Kinesis shards this node should read. One node reads them all; the multi-node cluster replaces
// this seam with an assignment over the members (each shard read by exactly one node at a time).
namespace Akka.Basketball.Ingress.Consumer;

public interface IShardOwnership
{
    bool Owns(string shardId);
}

public sealed class AllShards : IShardOwnership
{
    public static readonly AllShards Instance = new();

    public bool Owns(string shardId) => true;
}
