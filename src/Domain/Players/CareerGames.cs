// The games of a career in the order their first lines arrived, built so that a line of a current game costs the same
// at the 5th game of a career as at the 1,500th.
using System.Collections;
using System.Collections.Immutable;
using System.Runtime.InteropServices;

namespace Basketball.Domain.Players;

/// <summary>
/// An immutable list of <see cref="PlayerGame"/> in two parts: the settled games (all but the last few, shared by
/// every state that follows) and the recent ones (at most <see cref="RecentCapacity"/>, copied per line). A player
/// plays one game at a time, so nearly every line updates a recent game: it copies at most eight games instead of
/// the whole career (a copy of 430 games was ~14 KB of garbage per scoring event). The best points of the settled
/// games and the career's points are kept beside them, so neither the career total nor a CareerHigh check walks the
/// settled games. A line of a settled game (a late correction) copies the settled games; a new game moves the older
/// half of the recent games to the settled ones, one copy per four games.
/// </summary>
public readonly struct CareerGames : IReadOnlyList<PlayerGame>
{
    /// <summary>How many of the newest games are kept apart: a few, since a player's lines come from one game at a time.</summary>
    public const int RecentCapacity = 8;

    private readonly ImmutableArray<PlayerGame> _settled;
    private readonly ImmutableArray<PlayerGame> _recent;
    private readonly int _settledBest;
    private readonly int _points;

    private CareerGames(ImmutableArray<PlayerGame> settled, int settledBest, ImmutableArray<PlayerGame> recent, int points)
    {
        _settled = settled;
        _settledBest = settledBest;
        _recent = recent;
        _points = points;
    }

    public static CareerGames Empty => default;

    /// <summary>The games in the order given, all settled (a snapshot's games: read once, after which lines go to recent ones).</summary>
    public static CareerGames Of(IEnumerable<PlayerGame> games)
    {
        var settled = games.ToImmutableArray();
        return new CareerGames(settled, Best(settled), [], settled.Sum(game => game.Points));
    }

    public int Count => Settled.Length + Recent.Length;

    public bool IsEmpty => Count == 0;

    /// <summary>The points of every game.</summary>
    public int Points => _points;

    /// <summary>How many games are settled: games at this index and after are the recent ones.</summary>
    public int SettledCount => Settled.Length;

    /// <summary>The most points in one settled game, <see cref="int.MinValue"/> when none is settled.</summary>
    public int SettledBest => Settled.IsEmpty ? int.MinValue : _settledBest;

    // default(CareerGames) is the empty career: a default ImmutableArray is read as an empty one.
    private ImmutableArray<PlayerGame> Settled => _settled.IsDefault ? [] : _settled;

    private ImmutableArray<PlayerGame> Recent => _recent.IsDefault ? [] : _recent;

    public PlayerGame this[int index] => index < Settled.Length ? Settled[index] : Recent[index - Settled.Length];

    /// <summary>The index of <paramref name="gameId"/>, or -1. The recent games are searched first, newest first.</summary>
    public int IndexOf(string gameId)
    {
        var recent = Recent;
        for (var i = recent.Length - 1; i >= 0; i--)
        {
            if (string.Equals(recent[i].GameId, gameId, StringComparison.Ordinal))
                return Settled.Length + i;
        }
        var settled = Settled;
        for (var i = 0; i < settled.Length; i++)
        {
            if (string.Equals(settled[i].GameId, gameId, StringComparison.Ordinal))
                return i;
        }
        return -1;
    }

    /// <summary>These games with the one at <paramref name="index"/> replaced by <paramref name="game"/>.</summary>
    public CareerGames SetItem(int index, PlayerGame game)
    {
        var points = _points - this[index].Points + game.Points;
        if (index >= Settled.Length)
            return new CareerGames(Settled, SettledBest, Recent.SetItem(index - Settled.Length, game), points);
        var settled = Settled.SetItem(index, game);
        return new CareerGames(settled, Best(settled), Recent, points);
    }

    /// <summary>These games and <paramref name="game"/> after them.</summary>
    public CareerGames Add(PlayerGame game)
    {
        var points = _points + game.Points;
        var recent = Recent;
        if (recent.Length < RecentCapacity)
            return new CareerGames(Settled, SettledBest, recent.Add(game), points);

        const int moved = RecentCapacity / 2;
        var settledBest = SettledBest;
        for (var i = 0; i < moved; i++)
            settledBest = Math.Max(settledBest, recent[i].Points);
        var kept = new PlayerGame[RecentCapacity - moved + 1];
        recent.AsSpan()[moved..].CopyTo(kept);
        kept[^1] = game;
        return new CareerGames(Settled.AddRange(recent.AsSpan()[..moved]), settledBest,
            ImmutableCollectionsMarshal.AsImmutableArray(kept), points);
    }

    public PlayerGame[] ToArray()
    {
        var games = new PlayerGame[Count];
        Settled.CopyTo(games);
        Recent.CopyTo(games, Settled.Length);
        return games;
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<PlayerGame> IEnumerable<PlayerGame>.GetEnumerator()
    {
        foreach (var game in this)
            yield return game;
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<PlayerGame>)this).GetEnumerator();

    private static int Best(ImmutableArray<PlayerGame> games)
    {
        var best = int.MinValue;
        foreach (var game in games)
            best = Math.Max(best, game.Points);
        return best;
    }

    /// <summary>Walks the settled games, then the recent ones, without allocating.</summary>
    public struct Enumerator(CareerGames games)
    {
        private int _index = -1;

        public readonly PlayerGame Current => games[_index];

        public bool MoveNext() => ++_index < games.Count;
    }
}
