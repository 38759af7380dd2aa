// The ground every reader and coordinator spec stands on: the fakes, options that read fast and write only when a
// spec asks for it, and the entity regions (one FakeEntities actor for games and players).
using Akka.Actor;
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.Consumer;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Basketball.Ingress.Tests.Consumer;

public abstract class ConsumerSpec : Akka.TestKit.Xunit2.TestKit
{
    protected const string Owner = "node-1#1";

    /// <summary>Every wait of the specs: long enough for a loaded machine, short enough for a failing spec.</summary>
    protected static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    protected static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    protected ConsumerSpec(ITestOutputHelper output) : base("akka.loglevel = INFO", output)
    {
        Api = new FakeShardStreamApi(Timeline);
        Store = new FakeCheckpointStore(Timeline);
        Entities = Sys.ActorOf(FakeEntities.PropsFor(EntityLog), "entities");
    }

    protected Timeline Timeline { get; } = new();

    protected FakeShardStreamApi Api { get; }

    protected FakeCheckpointStore Store { get; }

    protected InMemoryDeadLetters DeadLetters { get; } = new();

    protected EntityLog EntityLog { get; } = new();

    protected IActorRef Entities { get; }

    /// <summary>
    /// Batches of two records, read back to back; the flush, the count and the lease check set so far apart that no
    /// checkpoint is written unless a spec lowers one of them (or the shard ends, or a drain asks for it).
    /// </summary>
    protected static IngressOptions Options { get; } = new(
        StreamName: FakeShardStreamApi.Stream,
        InitialPosition: ShardStartPosition.TrimHorizon,
        GetRecordsLimit: 2,
        MinPollInterval: TimeSpan.FromMilliseconds(1),
        IdlePollInterval: TimeSpan.FromMilliseconds(10),
        PrefetchBatches: 1,
        MaxAggregatesInFlight: 8,
        BatchesInFlight: 1,
        AskTimeout: TimeSpan.FromSeconds(30),
        MaxDeliveryAttempts: 3,
        CheckpointEvery: TimeSpan.FromMinutes(10),
        CheckpointEveryRecords: 100_000,
        ShardDiscoveryInterval: TimeSpan.FromMilliseconds(100),
        LeaseCheckEvery: TimeSpan.FromMinutes(10),
        MaxBatchFailures: 3);

    protected RecordBatchProcessor Processor(IngressOptions options) =>
        new(new EventDelivery(Entities, Entities, options, NullLogger.Instance), DeadLetters, new IngressMetrics());

    protected void HoldBack(string aggregateId) => Entities.Tell(new FakeEntities.Hold(aggregateId));

    protected void Release(string aggregateId) => Entities.Tell(new FakeEntities.Release(aggregateId));

    /// <summary>The ids of the games whose events the entities answered, one entry per event.</summary>
    protected IReadOnlyList<string> AppliedEvents => EntityLog.Applied.Select(e => e.AggregateId).ToArray();
}
