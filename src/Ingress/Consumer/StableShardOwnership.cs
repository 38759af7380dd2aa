// Kinesis shard → reader worker, by a hash that is the same in every process (string.GetHashCode is not),
// so every node agrees which worker reads which shard without talking to each other.
namespace Akka.Basketball.Ingress.Consumer;

public sealed class StableShardOwnership(int worker, int workers) : IShardOwnership
{
    public bool Owns(string shardId) => WorkerOf(shardId, workers) == worker;

    /// <summary>FNV-1a over the UTF-16 code units of the shard id.</summary>
    public static int WorkerOf(string shardId, int workers)
    {
        var hash = 2166136261u;
        foreach (var c in shardId)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return (int)(hash % (uint)workers);
    }
}
