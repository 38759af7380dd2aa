// Timings of the entity actors (not domain rules), from `basketball.entities` in akka.hocon.
namespace Basketball.Shards.Entities;

/// <param name="PassivateAfter">An entity idle this long stops (a Game only once every player line is acknowledged).</param>
/// <param name="RedeliverEvery">How often a Game resends player lines that were not acknowledged.</param>
public sealed record EntityOptions(TimeSpan PassivateAfter, TimeSpan RedeliverEvery)
{
    public static EntityOptions Default { get; } = new(TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(2));
}
