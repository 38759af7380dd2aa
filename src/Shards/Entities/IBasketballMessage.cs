// Marker for every message that may cross the network between nodes: bound to BasketballSerializer,
// so nothing in this system travels through Akka's default Newtonsoft serializer.
namespace Basketball.Shards.Entities;

public interface IBasketballMessage;

/// <summary>Routing fact for the sharding extractors: the entity id is the aggregate id.</summary>
public interface IWithAggregateId
{
    string AggregateId { get; }
}
