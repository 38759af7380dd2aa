// The corrected play-by-play in game-clock order, as an immutable list of small sorted chunks.
using System.Collections;
using System.Collections.Immutable;

namespace Basketball.Domain.Games;

/// <summary>
/// Plays in <see cref="Play.CompareByClock"/> order. An ImmutableList spends a ~50-byte tree node per play; here
/// plays sit in arrays of up to <see cref="ChunkSize"/> references under an ImmutableList of chunks, so a play costs
/// its reference plus a share of one node per chunk. An insert copies one chunk and the spine's path: O(ChunkSize +
/// log n), so a 10,000-play game stays linear-logarithmic. Plays arrive almost always at the end of the clock, and a
/// full last chunk then starts a new one (chunks stay full); an insert into a full chunk elsewhere splits it.
/// </summary>
public sealed class PlayList : IReadOnlyList<Play>
{
    private const int ChunkSize = 32;

    public static PlayList Empty { get; } = new([], 0);

    private readonly ImmutableList<Play[]> _chunks;

    private PlayList(ImmutableList<Play[]> chunks, int count)
    {
        _chunks = chunks;
        Count = count;
    }

    public int Count { get; }

    /// <summary>By position: O(chunks). The domain walks the list in order; this is for tests and tools.</summary>
    public Play this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            foreach (var chunk in _chunks)
            {
                if (index < chunk.Length)
                    return chunk[index];
                index -= chunk.Length;
            }
            throw new ArgumentOutOfRangeException(nameof(index));
        }
    }

    /// <summary>Plays already in clock order (restoring a snapshot): chunked without comparisons or copies per play.</summary>
    public static PlayList OfOrdered(IReadOnlyList<Play> plays)
    {
        if (plays.Count == 0)
            return Empty;
        var chunks = ImmutableList.CreateBuilder<Play[]>();
        for (var start = 0; start < plays.Count; start += ChunkSize)
        {
            var chunk = new Play[Math.Min(ChunkSize, plays.Count - start)];
            for (var i = 0; i < chunk.Length; i++)
                chunk[i] = plays[start + i];
            chunks.Add(chunk);
        }
        return new PlayList(chunks.ToImmutable(), plays.Count);
    }

    public PlayList Insert(Play play)
    {
        if (_chunks.IsEmpty)
            return new PlayList([[play]], 1);
        var at = ChunkFor(play);
        var chunk = _chunks[at];
        var position = PositionIn(chunk, play);
        if (chunk.Length < ChunkSize)
            return new PlayList(_chunks.SetItem(at, Inserted(chunk, position, play)), Count + 1);
        if (at == _chunks.Count - 1 && position == chunk.Length)
            return new PlayList(_chunks.Add([play]), Count + 1);
        var full = Inserted(chunk, position, play);
        var half = full.Length / 2;
        return new PlayList(_chunks.SetItem(at, full[..half]).Insert(at + 1, full[half..]), Count + 1);
    }

    /// <summary>The list without <paramref name="play"/> (found by its clock position).</summary>
    public PlayList Remove(Play play)
    {
        if (_chunks.IsEmpty)
            return this;
        var at = ChunkFor(play);
        var chunk = _chunks[at];
        var position = PositionIn(chunk, play);
        if (position >= chunk.Length || !ReferenceEquals(chunk[position], play) && !chunk[position].Equals(play))
            return this;
        if (chunk.Length == 1)
            return new PlayList(_chunks.RemoveAt(at), Count - 1);
        var shorter = new Play[chunk.Length - 1];
        Array.Copy(chunk, shorter, position);
        Array.Copy(chunk, position + 1, shorter, position, chunk.Length - position - 1);
        return new PlayList(_chunks.SetItem(at, shorter), Count - 1);
    }

    /// <summary>The play of <paramref name="key"/>, if it is in the list: a linear search (corrections are rare).</summary>
    public Play? Find(EventKey key)
    {
        foreach (var chunk in _chunks)
        {
            foreach (var play in chunk)
            {
                if (play.Key == key)
                    return play;
            }
        }
        return null;
    }

    public Enumerator GetEnumerator() => new(_chunks);

    IEnumerator<Play> IEnumerable<Play>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // The first chunk whose last play is not before play (the last chunk if play comes after everything).
    private int ChunkFor(Play play)
    {
        int low = 0, high = _chunks.Count - 1;
        while (low < high)
        {
            var middle = (low + high) / 2;
            var last = _chunks[middle][^1];
            if (Play.CompareByClock(last, play) < 0)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    private static int PositionIn(Play[] chunk, Play play)
    {
        int low = 0, high = chunk.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (Play.CompareByClock(chunk[middle], play) < 0)
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    private static Play[] Inserted(Play[] chunk, int position, Play play)
    {
        var longer = new Play[chunk.Length + 1];
        Array.Copy(chunk, longer, position);
        longer[position] = play;
        Array.Copy(chunk, position, longer, position + 1, chunk.Length - position);
        return longer;
    }

    /// <summary>Walks the chunks without allocating.</summary>
    public struct Enumerator : IEnumerator<Play>
    {
        private ImmutableList<Play[]>.Enumerator _chunks;
        private Play[] _chunk;
        private int _index;

        internal Enumerator(ImmutableList<Play[]> chunks)
        {
            _chunks = chunks.GetEnumerator();
            _chunk = [];
            _index = 0;
        }

        public Play Current => _chunk[_index - 1];

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            while (_index >= _chunk.Length)
            {
                if (!_chunks.MoveNext())
                    return false;
                _chunk = _chunks.Current;
                _index = 0;
            }
            _index++;
            return true;
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose() => _chunks.Dispose();
    }
}
