// Timer messages of the entities. They must not keep an idle entity alive.
using Akka.Actor;

namespace Akka.Basketball.Shards.Entities;

/// <summary>Game entity: resend player lines that no Player has acknowledged yet.</summary>
internal sealed class RedeliverPlayerLines : INotInfluenceReceiveTimeout
{
    public static readonly RedeliverPlayerLines Instance = new();
    private RedeliverPlayerLines() { }
}

/// <summary>Sent to self through the shard region's Passivate: the shard stops us once buffered messages are through.</summary>
internal sealed class StopEntity
{
    public static readonly StopEntity Instance = new();
    private StopEntity() { }
}
