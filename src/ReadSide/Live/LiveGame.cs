// One game as the live feed holds it: its projection and where in the journal it last changed.
using Basketball.Domain.Games;

namespace Basketball.ReadSide.Live;

/// <param name="Offset">The journal offset (ordering) of the game's last row this feed applied; orders "newest first".</param>
public sealed record LiveGame(GameProjection Projection, long Offset);

/// <summary>Settings of <see cref="LiveGameFeed"/> (basketball.live in akka.hocon).</summary>
/// <param name="Capacity">Games held in memory; the least recently changed one goes first.</param>
/// <param name="SubscriberBuffer">Changes one SSE subscriber may have waiting; a subscriber that falls further behind is dropped.</param>
public sealed record LiveGameFeedOptions(int Capacity = 200, int SubscriberBuffer = 1024);
