// Publishes persisted milestones (SPEC §6): reads the journal's `milestone` tag from a stored offset, puts
// each milestone to the output stream, then records it and the offset. At-least-once: a crash between the
// put and the record repeats the put, and consumers recognise the repeat by milestoneId. Runs as a cluster
// singleton, so one node publishes; fenced (ReaderFence), so that an instance left running on a node the cluster
// downed (frozen, then thawed) stops at its next batch instead of publishing beside its successor.
using System.Text.Json;
using Akka.Actor;
using Akka.Persistence.Query;
using Akka.Streams;
using Akka.Streams.Dsl;
using Basketball.Domain.Games;
using Basketball.Domain.Milestones;
using Basketball.Domain.Players;
using Basketball.Kinesis;
using Basketball.ReadSide.Fencing;
using Basketball.ReadSide.Journal;
using Basketball.Shards.Entities;
using Microsoft.Extensions.Logging;

namespace Basketball.ReadSide.Milestones;

public sealed class MilestonePublisher : ReceiveActor
{
    public const string ReaderName = "milestone-publisher";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly MilestoneStore _store;
    private readonly ReaderFence _fence;
    private readonly KinesisProducer? _producer;
    private readonly string _readJournalPluginId;
    private readonly ILogger _logger;
    private UniqueKillSwitch? _killSwitch;
    private SingletonLease _lease = null!;

    /// <param name="producer">null: record only (no output stream configured).</param>
    public MilestonePublisher(MilestoneStore store, ReaderFence fence, KinesisProducer? producer, string readJournalPluginId, ILogger logger)
    {
        _store = store;
        _fence = fence;
        _producer = producer;
        _readJournalPluginId = readJournalPluginId;
        _logger = logger;
        Receive<Fenced>(fenced =>
        {
            _logger.LogWarning("Milestone publisher stops: {Reason}", fenced.Cause.Message);
            Context.Stop(Self);
        });
        ReceiveAny(_ => { });
    }

    public static Props PropsFor(MilestoneStore store, ReaderFence fence, KinesisProducer? producer, string readJournalPluginId, ILogger logger) =>
        Props.Create(() => new MilestonePublisher(store, fence, producer, readJournalPluginId, logger));

    protected override void PreStart()
    {
        var journal = new TagQuery(Context.System, _readJournalPluginId);
        _lease = new SingletonLease(_fence, ReaderName, SingletonLease.OwnerOf(Context.System));
        var self = Self;
        // The whole pipeline restarts from the stored offset after any failure (database or Kinesis down),
        // with backoff of at most 5 s (resumes within seconds of an outage); what was put but not recorded is put again.
        // The lease is taken once, before the first offset is read, and kept across restarts.
        _killSwitch = RestartSource.OnFailuresWithBackoff(
                () => Source.FromTask(StartAsync())
                    .ConcatMany(offset => journal.EventsByTag(JournalTags.Milestone, offset))
                    .GroupedWithin(500, TimeSpan.FromMilliseconds(100))
                    .SelectAsync(1, async batch =>
                    {
                        try
                        {
                            return await PublishAsync(batch);
                        }
                        catch (ReaderFencedException fenced)
                        {
                            self.Tell(new Fenced(fenced));
                            throw;
                        }
                    }),
                RestartSettings.Create(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 0.2))
            .ViaMaterialized(KillSwitches.Single<long>(), Keep.Right)
            .To(Sink.Ignore<long>())
            .Run(Context.System.Materializer());
    }

    protected override void PostStop() => _killSwitch?.Shutdown();

    private async Task<long> StartAsync()
    {
        await _lease.GetAsync();
        return await _store.OffsetAsync(ReaderName);
    }

    private async Task<long> PublishAsync(IEnumerable<EventEnvelope> envelopes)
    {
        var batch = envelopes.ToList();
        var milestones = batch.SelectMany(e => MilestonesOf(e.Event)).ToList();
        var offset = ((Sequence)batch[^1].Offset).Value;
        var lease = await _lease.GetAsync();
        if (_producer is not null && milestones.Count > 0)
        {
            // Kinesis knows no fence: the lease is checked just before the put, so that an instance whose successor
            // took over puts nothing more (one put already under way when it was frozen is the most it can repeat).
            if (!await _fence.IsCurrentAsync(lease))
                throw new ReaderFencedException(lease, current: null);
            var records = milestones
                .Select(m => (m.AggregateId, (ReadOnlyMemory<byte>)JsonSerializer.SerializeToUtf8Bytes(m, Json)))
                .ToList();
            var result = await _producer.PutAsync(records);
            var failed = result.Records.Count(r => !r.Succeeded);
            if (failed > 0)
                throw new InvalidOperationException($"{failed} of {records.Count} milestones were not accepted by the output stream");
        }
        await _store.AppendAsync(milestones, ReaderName, offset, new FenceCheck(_fence, lease));
        if (milestones.Count > 0)
            _logger.LogDebug("Published {Count} milestones up to journal offset {Offset}", milestones.Count, offset);
        return offset;
    }

    private sealed record Fenced(ReaderFencedException Cause);

    internal static IEnumerable<Milestone> MilestonesOf(object evt) => evt switch
    {
        PlayerGameLineApplied or PlayerLineBatch => PlayerLineBatch.LinesOf(evt).SelectMany(line => line.Milestones),
        _ => GameEventBatch.Flatten(evt).OfType<GameEventApplied>().SelectMany(applied => applied.Milestones),
    };
}
