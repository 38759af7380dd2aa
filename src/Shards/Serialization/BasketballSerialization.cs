// HOCON that binds this system's persisted and remote types to BasketballSerializer.
using Akka.Configuration;

namespace Akka.Basketball.Shards.Serialization;

public static class BasketballSerialization
{
    private const string Assembly = "Akka.Basketball.Shards";

    public static Config Config { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.basketball = "Akka.Basketball.Shards.Serialization.BasketballSerializer, {{Assembly}}"
          serialization-bindings {
            "Akka.Basketball.Shards.Domain.Games.IGameJournalEvent, {{Assembly}}" = basketball
            "Akka.Basketball.Shards.Domain.Players.IPlayerJournalEvent, {{Assembly}}" = basketball
            "Akka.Basketball.Shards.Domain.Games.GameState, {{Assembly}}" = basketball
            "Akka.Basketball.Shards.Domain.Players.PlayerState, {{Assembly}}" = basketball
            "Akka.Basketball.Shards.Entities.IBasketballMessage, {{Assembly}}" = basketball
          }
          serialization-identifiers {
            "Akka.Basketball.Shards.Serialization.BasketballSerializer, {{Assembly}}" = {{BasketballSerializer.SerializerId}}
          }
        }
        """);
}
