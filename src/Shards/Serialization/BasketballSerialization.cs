// HOCON that binds this system's persisted and remote types to BasketballSerializer. The names come from the
// types themselves, so a type that moves to another namespace or assembly stays bound.
using Akka.Configuration;
using Basketball.Domain.Games;
using Basketball.Domain.Players;
using Basketball.Shards.Entities;

namespace Basketball.Shards.Serialization;

public static class BasketballSerialization
{
    public static Config Config { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.basketball = "{{Name<BasketballSerializer>()}}"
          serialization-bindings {
            "{{Name<IGameJournalEvent>()}}" = basketball
            "{{Name<IPlayerJournalEvent>()}}" = basketball
            "{{Name<GameState>()}}" = basketball
            "{{Name<PlayerState>()}}" = basketball
            "{{Name<IBasketballMessage>()}}" = basketball
          }
          serialization-identifiers {
            "{{Name<BasketballSerializer>()}}" = {{BasketballSerializer.SerializerId}}
          }
        }
        """);

    /// <summary>"Namespace.Type, Assembly": the form Akka's serialization settings resolve.</summary>
    private static string Name<T>() => $"{typeof(T).FullName}, {typeof(T).Assembly.GetName().Name}";
}
