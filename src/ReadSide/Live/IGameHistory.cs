// What the live game feed needs from the journal besides its tag stream: where the journal ends, which games
// changed last, and one game's state rebuilt from its own rows (implemented over the journal table by the node).
using Basketball.Domain.Games;

namespace Basketball.ReadSide.Live;

public interface IGameHistory
{
    /// <summary>The highest journal offset (ordering) written so far; 0 for an empty journal.</summary>
    Task<long> JournalEndAsync(CancellationToken cancellationToken);

    /// <summary>The games whose rows are newest in the journal, newest first, with the offset of their last row.</summary>
    Task<IReadOnlyList<(string GameId, long Offset)>> RecentGamesAsync(int limit, CancellationToken cancellationToken);

    /// <summary>A game's state folded from its journal rows up to <paramref name="toSequenceNr"/>; null when it has none.</summary>
    Task<(GameState State, long Version)?> ReplayAsync(string gameId, long? toSequenceNr, CancellationToken cancellationToken);
}
