// The latest line of each player of a game: one array sorted by playerId, immutable.
using System.Collections;
using Basketball.Domain.Players;

namespace Basketball.Domain.Games;

/// <summary>
/// A game has a few dozen players and replaces one line per score: a sorted array (8 bytes a line, searched in
/// five steps) instead of an ImmutableDictionary's ~64-byte node per line. A change copies the array (~200 bytes),
/// less than the path of tree nodes a dictionary rebuilds.
/// </summary>
public sealed class PlayerLineSet : IReadOnlyCollection<PlayerGameLine>
{
    public static PlayerLineSet Empty { get; } = new([]);

    private readonly PlayerGameLine[] _lines;

    private PlayerLineSet(PlayerGameLine[] lines) => _lines = lines;

    public int Count => _lines.Length;

    /// <summary>The lines in playerId order.</summary>
    public IReadOnlyList<PlayerGameLine> Values => _lines;

    /// <summary>A set of <paramref name="lines"/> (a snapshot); of two lines of one player the last counts.</summary>
    public static PlayerLineSet Of(IEnumerable<PlayerGameLine> lines) =>
        lines.Aggregate(Empty, (set, line) => set.SetItem(line));

    public bool TryGetValue(string playerId, out PlayerGameLine line)
    {
        var index = IndexOf(playerId);
        line = index >= 0 ? _lines[index] : null!;
        return index >= 0;
    }

    public PlayerGameLine? GetValueOrDefault(string playerId) => TryGetValue(playerId, out var line) ? line : null;

    /// <summary>The set's own instance of <paramref name="playerId"/>, so that a play does not keep a parsed event's copy.</summary>
    public bool TryGetKey(string playerId, out string known)
    {
        var index = IndexOf(playerId);
        known = index >= 0 ? _lines[index].PlayerId : playerId;
        return index >= 0;
    }

    /// <summary>The set with <paramref name="line"/> as its player's line.</summary>
    public PlayerLineSet SetItem(PlayerGameLine line)
    {
        var index = IndexOf(line.PlayerId);
        if (index >= 0)
        {
            var replaced = (PlayerGameLine[])_lines.Clone();
            replaced[index] = line;
            return new PlayerLineSet(replaced);
        }
        index = ~index;
        var grown = new PlayerGameLine[_lines.Length + 1];
        Array.Copy(_lines, grown, index);
        grown[index] = line;
        Array.Copy(_lines, index, grown, index + 1, _lines.Length - index);
        return new PlayerLineSet(grown);
    }

    public IEnumerator<PlayerGameLine> GetEnumerator() => ((IEnumerable<PlayerGameLine>)_lines).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string playerId)
    {
        int low = 0, high = _lines.Length - 1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            var order = string.CompareOrdinal(_lines[middle].PlayerId, playerId);
            if (order == 0)
                return middle;
            if (order < 0)
                low = middle + 1;
            else
                high = middle - 1;
        }
        return ~low;
    }
}
