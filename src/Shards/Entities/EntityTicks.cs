// Timer messages of the entities. They must not keep an idle entity alive.
using Akka.Actor;

namespace Basketball.Shards.Entities;

/// <summary>Game entity: resend player lines that no Player has acknowledged yet.</summary>
internal sealed class RedeliverPlayerLines : INotInfluenceReceiveTimeout
{
    public static readonly RedeliverPlayerLines Instance = new();
    private RedeliverPlayerLines() { }
}

/// <summary>Game entity: send the player lines that changed since the last flush (one line per player per flush).</summary>
internal sealed class FlushPlayerLines : INotInfluenceReceiveTimeout
{
    public static readonly FlushPlayerLines Instance = new();
    private FlushPlayerLines() { }
}

/// <summary>
/// Stops an entity between two commands: sent through Passivate (the shard stops us once buffered messages are
/// through) and as the regions' hand-off stop message. Unlike PoisonPill it waits in the stash while a write
/// is in flight, so a rebalance or a leaving node never cuts off the answer to a batch that became durable.
/// </summary>
internal sealed class StopEntity
{
    public static readonly StopEntity Instance = new();
    private StopEntity() { }
}

/// <summary>
/// Player entity: persist the lines received since the last flush, in one row. Sent to itself when the first line
/// arrives, so it queues behind the lines already in the mailbox (and behind those stashed during a write).
/// </summary>
internal sealed class FlushReceivedLines
{
    public static readonly FlushReceivedLines Instance = new();
    private FlushReceivedLines() { }
}
