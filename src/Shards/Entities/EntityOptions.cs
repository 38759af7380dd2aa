// Timings of the entity actors (not domain rules), from `basketball.entities` in akka.hocon.
namespace Basketball.Shards.Entities;

/// <param name="PassivateAfter">An entity idle this long stops (a Game only once every player line is acknowledged).</param>
/// <param name="RedeliverEvery">How often a Game resends player lines that were not acknowledged.</param>
/// <param name="LineFlushAfter">How long a Game gathers the changes of its player lines before sending them: the lines
/// are absolute values, so every delivery in that time costs each changed player one message and one journal row,
/// not one per delivery. Zero sends after every delivery.</param>
public sealed record EntityOptions(TimeSpan PassivateAfter, TimeSpan RedeliverEvery, TimeSpan LineFlushAfter)
{
    public static EntityOptions Default { get; } = new(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500));
}
