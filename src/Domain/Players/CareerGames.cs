// The games of a career in the order their first lines arrived, built so that a line costs about the same at the 5th
// game of a career as at the 1,500th.
using System.Collections;

namespace Basketball.Domain.Players;

/// <summary>
/// An immutable list of <see cref="PlayerGame"/> in chunks of <see cref="ChunkSize"/> games (all full but the last),
/// with each chunk's best points beside it. A line copies its game's chunk (512 bytes) and the two small arrays of
/// chunk references and bests (an eighth of a game per game of the career), and shares every other chunk with the
/// state before it: one array for the whole career was a copy of every game per line (~14 KB at 430 games, a fifth
/// of everything a node allocated in a drain, where a player's lines come from many games at once). The career's
/// points are kept running, and the best points before any game take the chunk bests and part of one chunk, so
/// neither the career total nor a CareerHigh check walks the games before the line's one.
/// </summary>
public readonly struct CareerGames : IReadOnlyList<PlayerGame>
{
    /// <summary>Games per chunk: 16 × 32 bytes, so a line's copy stays small and a career of 1,500 games has 94 chunks.</summary>
    public const int ChunkSize = 16;

    private readonly PlayerGame[][]? _chunks;
    private readonly int[]? _best;

    // Neither array is written after it is built: versions of the career share them.
    private CareerGames(PlayerGame[][] chunks, int[] best, int count, int points)
    {
        _chunks = chunks;
        _best = best;
        Count = count;
        Points = points;
    }

    /// <summary>No games (also what <c>default</c> is).</summary>
    public static CareerGames Empty => default;

    /// <summary>The games in the order given (a snapshot's games).</summary>
    public static CareerGames Of(IEnumerable<PlayerGame> games)
    {
        var all = games.ToArray();
        var chunks = all.Chunk(ChunkSize).ToArray();
        return new CareerGames(chunks, chunks.Select(Best).ToArray(), all.Length, all.Sum(game => game.Points));
    }

    public int Count { get; }

    public bool IsEmpty => Count == 0;

    /// <summary>The points of every game.</summary>
    public int Points { get; }

    public PlayerGame this[int index] =>
        (uint)index < (uint)Count ? _chunks![index / ChunkSize][index % ChunkSize] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The most points in one of the games before <paramref name="index"/>, <see cref="int.MinValue"/> when there are none.</summary>
    public int BestBefore(int index)
    {
        var best = int.MinValue;
        var chunk = index / ChunkSize;
        for (var c = 0; c < chunk; c++)
            best = Math.Max(best, _best![c]);
        for (var i = chunk * ChunkSize; i < index; i++)
            best = Math.Max(best, this[i].Points);
        return best;
    }

    /// <summary>The index of <paramref name="gameId"/>, or -1. Searched newest first: most lines are of a current game.</summary>
    public int IndexOf(string gameId)
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            if (string.Equals(this[i].GameId, gameId, StringComparison.Ordinal))
                return i;
        }
        return -1;
    }

    /// <summary>These games with the one at <paramref name="index"/> replaced by <paramref name="game"/>.</summary>
    public CareerGames SetItem(int index, PlayerGame game)
    {
        var points = Points - this[index].Points + game.Points;
        var chunk = (PlayerGame[])_chunks![index / ChunkSize].Clone();
        chunk[index % ChunkSize] = game;
        return With(index / ChunkSize, chunk, Count, points);
    }

    /// <summary>These games and <paramref name="game"/> after them.</summary>
    public CareerGames Add(PlayerGame game)
    {
        var at = Count % ChunkSize;
        var last = Count / ChunkSize;
        var chunk = new PlayerGame[at + 1];
        if (at > 0)
            Array.Copy(_chunks![last], chunk, at);
        chunk[at] = game;
        return With(last, chunk, Count + 1, Points + game.Points);
    }

    public PlayerGame[] ToArray()
    {
        var games = new PlayerGame[Count];
        for (var c = 0; c < (_chunks?.Length ?? 0); c++)
            _chunks![c].CopyTo(games, c * ChunkSize);
        return games;
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<PlayerGame> IEnumerable<PlayerGame>.GetEnumerator()
    {
        foreach (var game in this)
            yield return game;
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<PlayerGame>)this).GetEnumerator();

    /// <summary>These games with chunk <paramref name="at"/> (an existing one, or the next) replaced by <paramref name="chunk"/>.</summary>
    private CareerGames With(int at, PlayerGame[] chunk, int count, int points)
    {
        var length = Math.Max(_chunks?.Length ?? 0, at + 1);
        var chunks = new PlayerGame[length][];
        var best = new int[length];
        _chunks?.CopyTo(chunks, 0);
        _best?.CopyTo(best, 0);
        chunks[at] = chunk;
        best[at] = Best(chunk);
        return new CareerGames(chunks, best, count, points);
    }

    private static int Best(PlayerGame[] chunk)
    {
        var best = int.MinValue;
        foreach (var game in chunk)
            best = Math.Max(best, game.Points);
        return best;
    }

    /// <summary>Walks the games in order without allocating.</summary>
    public struct Enumerator(CareerGames games)
    {
        private int _index = -1;

        public readonly PlayerGame Current => games[_index];

        public bool MoveNext() => ++_index < games.Count;
    }
}
