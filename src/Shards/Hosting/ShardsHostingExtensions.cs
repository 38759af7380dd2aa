// Akka.Hosting composition of the two sharded entity types and of the serializer they persist with.
using Akka.Cluster.Hosting;
using Akka.Cluster.Sharding;
using Akka.Hosting;
using Basketball.Domain;
using Basketball.Shards.Entities;
using Basketball.Shards.Serialization;

namespace Basketball.Shards.Hosting;

/// <summary>Registry key of the Game shard region.</summary>
public sealed class GameRegion;

/// <summary>Registry key of the Player shard region.</summary>
public sealed class PlayerRegion;

public static class ShardsHostingExtensions
{
    public const string GameTypeName = "game";
    public const string PlayerTypeName = "player";

    public static AkkaConfigurationBuilder WithBasketballSerialization(this AkkaConfigurationBuilder builder) =>
        builder.AddHocon(BasketballSerialization.Config, HoconAddMode.Prepend);

    /// <summary>
    /// Player region first (Games deliver to it), then the Game region with remembered entities: a Game that
    /// still owes a Player its latest line is restarted after a crash and redelivers it.
    /// </summary>
    public static AkkaConfigurationBuilder WithGameAndPlayerShards(
        this AkkaConfigurationBuilder builder, BasketballSettings settings, EntityOptions options, string? role = null)
    {
        var extractor = new AggregateMessageExtractor();
        return builder
            .WithShardRegion<PlayerRegion>(PlayerTypeName,
                playerId => PlayerEntity.PropsFor(playerId, settings, options),
                extractor,
                new ShardOptions
                {
                    Role = role,
                    RememberEntities = false,
                    StateStoreMode = StateStoreMode.DData,
                    HandOffStopMessage = StopEntity.Instance,
                })
            .WithShardRegion<GameRegion>(GameTypeName,
                (_, registry, _) => gameId => GameEntity.PropsFor(gameId, registry.Get<PlayerRegion>(), settings, options),
                extractor,
                new ShardOptions
                {
                    Role = role,
                    RememberEntities = true,
                    RememberEntitiesStore = RememberEntitiesStore.Eventsourced,
                    StateStoreMode = StateStoreMode.DData,
                    HandOffStopMessage = StopEntity.Instance,
                });
    }
}
