// Keeps the league tables up to date: two resumable journal readers (tags `game` and `player-line`), each
// applying batches with their offset in one transaction. A cluster singleton: one node writes the tables,
// every node answers from them. Fenced (ReaderFence): an instance left running on a node the cluster downed stops at
// its next batch, so it cannot apply an older status of a game over its successor's (a status is not idempotent).
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Basketball.Domain.Games;
using Basketball.Domain.Players;
using Basketball.ReadSide.Fencing;
using Basketball.ReadSide.Journal;
using Basketball.Shards.Entities;
using Microsoft.Extensions.Logging;

namespace Basketball.ReadSide.League;

public sealed class LeagueProjector : ReceiveActor, IWithUnboundedStash
{
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(200);
    public const string ReaderName = "league-projector";

    private readonly LeagueStore _store;
    private readonly ReaderFence _fence;
    private readonly string _readJournalPluginId;
    private readonly ILogger _logger;
    private readonly List<(UniqueKillSwitch Stop, Task Completion)> _streams = [];
    private SingletonLease _lease = null!;

    public LeagueProjector(LeagueStore store, ReaderFence fence, string readJournalPluginId, ILogger logger)
    {
        _store = store;
        _fence = fence;
        _readJournalPluginId = readJournalPluginId;
        _logger = logger;
        Receive<RebuildLeagueProjections>(_ => Rebuild());
        Receive<Fenced>(fenced =>
        {
            _logger.LogWarning("League projector stops: {Reason}", fenced.Cause.Message);
            Context.Stop(Self);
        });
    }

    public static Props PropsFor(LeagueStore store, ReaderFence fence, string readJournalPluginId, ILogger logger) =>
        Props.Create(() => new LeagueProjector(store, fence, readJournalPluginId, logger));

    protected override void PreStart()
    {
        // One lease for both readers, taken once for this instance's life.
        _lease = new SingletonLease(_fence, ReaderName, SingletonLease.OwnerOf(Context.System));
        StartReaders();
    }

    /// <summary>
    /// Stop both readers, wait until their last batch is written, empty the tables and offsets, start again
    /// from the beginning of the journal. Queries answer from the partly rebuilt tables meanwhile.
    /// </summary>
    private void Rebuild()
    {
        var requester = Sender;
        var running = _streams.ToList();
        _streams.Clear();
        foreach (var (stop, _) in running)
            stop.Shutdown();
        Task.WhenAll(running.Select(r => r.Completion.ContinueWith(_ => { }, TaskContinuationOptions.ExecuteSynchronously)))
            .ContinueWith(_ => _store.ResetAsync()).Unwrap()
            .PipeTo(Self, success: () => new Reset(requester), failure: ex => new Status.Failure(ex));
        BecomeStacked(message =>
        {
            switch (message)
            {
                case Fenced:
                    Context.Stop(Self);
                    return true;
                case Reset reset:
                    UnbecomeStacked();
                    StartReaders();
                    _logger.LogInformation("League projections dropped; rebuilding from the start of the journal");
                    reset.Requester.Tell(LeagueProjectionsRebuilding.Instance);
                    Stash.UnstashAll();
                    return true;
                case Status.Failure failure:
                    UnbecomeStacked();
                    StartReaders();
                    requester.Tell(failure);
                    return true;
                default:
                    Stash.Stash();
                    return true;
            }
        });
    }

    private void StartReaders()
    {
        var journal = new TagQuery(Context.System, _readJournalPluginId);
        var materializer = Context.System.Materializer();
        _streams.Add(Run(journal, JournalTags.Game, LeagueStore.GamesReader, async (batch, fence) =>
        {
            var games = batch.SelectMany(e => GameEventBatch.Flatten(e.Event)).OfType<GameEventApplied>().ToList();
            await _store.ApplyGamesAsync(games, Offset(batch[^1]), fence);
        }, materializer));
        _streams.Add(Run(journal, JournalTags.PlayerLine, LeagueStore.PlayersReader, async (batch, fence) =>
        {
            var lines = batch.SelectMany(e => PlayerLineBatch.LinesOf(e.Event).Select(applied => (applied.Line, Offset(e)))).ToList();
            await _store.ApplyPlayerLinesAsync(lines, Offset(batch[^1]), fence);
        }, materializer));
    }

    protected override void PostStop()
    {
        foreach (var (stop, _) in _streams)
            stop.Shutdown();
    }

    private (UniqueKillSwitch, Task) Run(TagQuery journal, string tag, string reader,
        Func<IReadOnlyList<EventEnvelope>, FenceCheck, Task> apply, IMaterializer materializer)
    {
        var self = Self;
        // After any failure (database busy or down) the reader starts again from its stored offset, with backoff of at
        // most 5 s, so that the read side catches up within seconds of a database outage ending.
        return RestartSource.OnFailuresWithBackoff(
                () => Source.FromTask(StartAsync(reader))
                    .ConcatMany(offset => journal.EventsByTag(tag, offset))
                    .GroupedWithin(1000, BatchWindow)
                    .SelectAsync(1, async envelopes =>
                    {
                        var batch = envelopes.ToList();
                        try
                        {
                            await apply(batch, new FenceCheck(_fence, await _lease.GetAsync()));
                        }
                        catch (ReaderFencedException fenced)
                        {
                            self.Tell(new Fenced(fenced));
                            throw;
                        }
                        return batch.Count;
                    }),
                RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 0.2))
            .ViaMaterialized(KillSwitches.Single<int>(), Keep.Right)
            .ToMaterialized(Sink.ForEach<int>(count => _logger.LogDebug("League projection {Reader}: {Count} events applied", reader, count)), Keep.Both)
            .Run(materializer);
    }

    private async Task<long> StartAsync(string reader)
    {
        await _lease.GetAsync();
        return await _store.OffsetAsync(reader);
    }

    private sealed record Reset(IActorRef Requester);

    private sealed record Fenced(ReaderFencedException Cause);

    public IStash Stash { get; set; } = null!;

    private static long Offset(EventEnvelope envelope) => ((Sequence)envelope.Offset).Value;
}

/// <summary>Drop and rebuild the league tables (`journal rebuild-projections`); answered when the rebuild has started.</summary>
public sealed record RebuildLeagueProjections
{
    public static readonly RebuildLeagueProjections Instance = new();
}

public sealed record LeagueProjectionsRebuilding
{
    public static readonly LeagueProjectionsRebuilding Instance = new();
}
