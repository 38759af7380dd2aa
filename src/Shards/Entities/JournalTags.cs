// Tags written with journal events, read by the league projections and the milestone publisher
// through Akka.Persistence.Query's EventsByTag.
using Akka.Persistence.Journal;

namespace Basketball.Shards.Entities;

public static class JournalTags
{
    /// <summary>Every applied Game event (standings, league read side).</summary>
    public const string Game = "game";

    /// <summary>Every player line applied by a Player (leaders).</summary>
    public const string PlayerLine = "player-line";

    /// <summary>Every journal event that carries fired or revoked milestones (the milestone publisher).</summary>
    public const string Milestone = "milestone";

    internal static object Tag(object evt, string tag, bool withMilestones) =>
        new Tagged(evt, withMilestones ? new[] { tag, Milestone } : [tag]);

    internal static object Untag(object persisted) => persisted is Tagged tagged ? tagged.Payload : persisted;
}
