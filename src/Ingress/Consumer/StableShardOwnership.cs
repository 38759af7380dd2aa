// Kinesis shard → reader worker, the same answer in every process, so nodes agree which worker reads which
// shard without talking to each other.
using System.Globalization;

namespace Basketball.Ingress.Consumer;

public sealed class StableShardOwnership(int worker, int workers) : IShardOwnership
{
    public bool Owns(string shardId) => WorkerOf(shardId, workers) == worker;

    /// <summary>
    /// Kinesis numbers its shards ("shardId-000000000007", children after a split continue the count): the
    /// number modulo the worker count spreads them evenly. Any other id falls back to FNV-1a (string.GetHashCode
    /// differs between processes).
    /// </summary>
    public static int WorkerOf(string shardId, int workers)
    {
        var dash = shardId.LastIndexOf('-');
        if (dash >= 0 && long.TryParse(shardId.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            return (int)(number % workers);
        var hash = 2166136261u;
        foreach (var c in shardId)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return (int)(hash % (uint)workers);
    }
}
