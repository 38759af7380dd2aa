// A reader did not take a shard: a live owner holds its lease (LeaseTakeover), or another reader took it between the
// look and the take. The coordinator tries again at its next discovery.
namespace Basketball.Ingress.Checkpoints;

public sealed class ShardLeaseHeldException(string stream, string shardId, string reason)
    : Exception($"{stream}/{shardId} not taken: {reason}")
{
    public string ShardId { get; } = shardId;
}
