// The games as they change, for GET /api/games and its server-sent events: a reader of the journal's `game` tag
// on every node (not a singleton: each node serves its own subscribers) that folds each row into the game's state
// with the same GameState.Apply as the entity, so every journal row gives one new projection, in order, without
// asking the entity anything. It starts on first use (the bench and a node nobody watches pay nothing), at the
// journal's end, with the most recently changed games rebuilt from their own rows.
using System.Collections.Concurrent;
using System.Threading.Channels;
using Akka;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Basketball.Domain.Games;
using Basketball.ReadSide.Journal;
using Basketball.Shards.Entities;
using Microsoft.Extensions.Logging;

namespace Basketball.ReadSide.Live;

public sealed class LiveGameFeed : IDisposable
{
    private readonly ActorSystem _system;
    private readonly string _readJournalPluginId;
    private readonly IGameHistory _history;
    private readonly LiveGameFeedOptions _options;
    private readonly ILogger _logger;
    private readonly object _startLock = new();
    private Task? _started;

    // Written only by the reader (one row at a time); the HTTP side reads _latest.
    private readonly Dictionary<string, (GameState State, long Version)> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LiveGame> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Channel<LiveGame>, bool> _subscribers = new();
    private long _offset;
    private UniqueKillSwitch? _killSwitch;

    public LiveGameFeed(ActorSystem system, string readJournalPluginId, IGameHistory history, LiveGameFeedOptions options, ILogger logger)
    {
        _system = system;
        _readJournalPluginId = readJournalPluginId;
        _history = history;
        _options = options;
        _logger = logger;
    }

    /// <summary>Subscribers connected now (tests, /ops).</summary>
    public int SubscriberCount => _subscribers.Count;

    /// <summary>Starts the reader on first use; completes once the recent games are loaded. A failed start (the
    /// database away) is tried again by the next caller.</summary>
    public Task EnsureStartedAsync()
    {
        lock (_startLock)
        {
            if (_started is null || _started.IsFaulted || _started.IsCanceled)
                _started = StartAsync();
            return _started;
        }
    }

    /// <summary>The games held, newest change first; <paramref name="status"/> null for every status.</summary>
    public IReadOnlyList<GameProjection> Games(string? status, int limit) => _latest.Values
        .Where(g => status is null || string.Equals(g.Projection.Status, status, StringComparison.OrdinalIgnoreCase))
        .OrderByDescending(g => g.Offset)
        .Take(limit)
        .Select(g => g.Projection)
        .ToList();

    /// <summary>
    /// Every change from now on, in journal order. The channel completes with <see cref="SlowSubscriberException"/>
    /// when the subscriber lets more than <see cref="LiveGameFeedOptions.SubscriberBuffer"/> changes wait: the feed
    /// never blocks on, or buffers without bound for, one slow client.
    /// </summary>
    public ChannelReader<LiveGame> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<LiveGame>(new BoundedChannelOptions(_options.SubscriberBuffer)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails, and the subscriber is dropped
        });
        _subscribers[channel] = true;
        cancellationToken.Register(() =>
        {
            _subscribers.TryRemove(channel, out _);
            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    private async Task StartAsync()
    {
        _states.Clear();
        _latest.Clear();
        _offset = await _history.JournalEndAsync(CancellationToken.None);
        foreach (var (gameId, offset) in await _history.RecentGamesAsync(_options.Capacity, CancellationToken.None))
        {
            if (await _history.ReplayAsync(gameId, null, CancellationToken.None) is { } replayed && !replayed.State.IsEmpty)
                Hold(gameId, replayed.State, replayed.Version, offset);
        }
        _logger.LogInformation("Live game feed started at journal offset {Offset} with {Games} recent games", _offset, _latest.Count);

        var journal = new TagQuery(_system, _readJournalPluginId);
        // After a failure (the database away) the reader goes on from the last row it applied, with backoff.
        _killSwitch = RestartSource.OnFailuresWithBackoff(
                () => Source.Lazily(() => journal.EventsByTag(JournalTags.Game, Volatile.Read(ref _offset)))
                    .SelectAsync(1, async envelope =>
                    {
                        await ApplyAsync(envelope);
                        return NotUsed.Instance;
                    }),
                RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2))
            .ViaMaterialized(KillSwitches.Single<NotUsed>(), Keep.Right)
            .To(Sink.Ignore<NotUsed>())
            .Run(_system.Materializer());
    }

    private async Task ApplyAsync(EventEnvelope envelope)
    {
        var offset = ((Sequence)envelope.Offset).Value;
        if (!envelope.PersistenceId.StartsWith(GameEntity.PersistenceIdPrefix, StringComparison.Ordinal))
        {
            Volatile.Write(ref _offset, offset);
            return;
        }
        var gameId = envelope.PersistenceId[GameEntity.PersistenceIdPrefix.Length..];
        var sequenceNr = envelope.SequenceNr;
        GameState state;
        if (_states.TryGetValue(gameId, out var held) && sequenceNr <= held.Version)
        {
            Volatile.Write(ref _offset, offset); // already in the state (a game rebuilt at start-up that went on meanwhile)
            return;
        }
        if (held.State is not null && sequenceNr == held.Version + 1)
        {
            state = held.State.Apply((IGameJournalEvent)envelope.Event);
        }
        else
        {
            // A game this feed does not hold, or rows it did not see (a rejection-only row carries no tag): its own
            // rows up to this one give the state the entity has.
            var replayed = await _history.ReplayAsync(gameId, sequenceNr, CancellationToken.None);
            state = replayed?.State ?? GameState.Initial(gameId).Apply((IGameJournalEvent)envelope.Event);
        }
        Volatile.Write(ref _offset, offset);
        if (state.IsEmpty)
            return;
        var game = Hold(gameId, state, sequenceNr, offset);
        Publish(game);
    }

    private LiveGame Hold(string gameId, GameState state, long version, long offset)
    {
        _states[gameId] = (state, version);
        var game = new LiveGame(state.ToProjection(version), offset);
        _latest[gameId] = game;
        if (_states.Count > _options.Capacity)
        {
            var oldest = _latest.Values.MinBy(g => g.Offset)!.Projection.GameId;
            _states.Remove(oldest);
            _latest.TryRemove(oldest, out _);
        }
        return game;
    }

    private void Publish(LiveGame game)
    {
        foreach (var channel in _subscribers.Keys)
        {
            if (channel.Writer.TryWrite(game))
                continue;
            _subscribers.TryRemove(channel, out _);
            channel.Writer.TryComplete(new SlowSubscriberException(_options.SubscriberBuffer));
            _logger.LogWarning("A live game subscriber fell {Buffer} changes behind and was dropped", _options.SubscriberBuffer);
        }
    }

    public void Dispose()
    {
        _killSwitch?.Shutdown();
        foreach (var channel in _subscribers.Keys)
            channel.Writer.TryComplete();
    }
}

/// <summary>Why a subscriber's channel ended: it did not read fast enough.</summary>
public sealed class SlowSubscriberException(int buffer)
    : Exception($"the subscriber let {buffer} changes wait; reconnect and read GET /api/games for the current state");
