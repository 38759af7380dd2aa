// Routes every IWithAggregateId message to the entity named by its aggregate id.
using Akka.Cluster.Sharding;

namespace Basketball.Shards.Entities;

/// <summary>
/// 100 shards: about 10 × the largest cluster we plan for (ten nodes), so shards rebalance in small steps
/// while the coordinator's bookkeeping stays small. Changing it re-homes every entity: it is fixed for a cluster's life.
/// </summary>
public sealed class AggregateMessageExtractor() : HashCodeMessageExtractor(MaxShards)
{
    public const int MaxShards = 100;

    public override string? EntityId(object message) => message switch
    {
        IWithAggregateId m => m.AggregateId,
        _ => null,
    };
}
