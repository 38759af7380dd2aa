// Which Kinesis shards a reader worker reads (StableShardOwnership: by a hash every process agrees on).
namespace Basketball.Ingress.Consumer;

public interface IShardOwnership
{
    bool Owns(string shardId);
}
