// One IngressCoordinator against the fakes: which shards get a reader, the resharding gate (a child waits for every
// parent's SHARD_END checkpoint, or for the parent to leave the stream), restarts, isolation, and the drain.
using Akka.Actor;
using Basketball.Ingress.Consumer;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Basketball.Ingress.Tests.Consumer;

public class IngressCoordinatorSpecs(ITestOutputHelper output) : ConsumerSpec(output)
{
    /// <summary>A checkpoint after every durable record and a flush every 50 ms; discovery every 100 ms (Options).</summary>
    private static readonly IngressOptions Eager = Options with { CheckpointEveryRecords = 1, CheckpointEvery = TimeSpan.FromMilliseconds(50) };

    private readonly IngressStatusBoard _board = new();

    private IActorRef StartCoordinator(IngressOptions? options = null, IShardOwnership? ownership = null)
    {
        var o = options ?? Eager;
        return Sys.ActorOf(IngressCoordinator.PropsFor(Api, Store, Processor(o), o, new IngressMetrics(), ownership ?? new Owning(), Owner, _board,
            NullLogger.Instance));
    }

    private int Discoveries => Timeline.Count(s => s.What == "ListShards");

    /// <summary>Waits until the coordinator has listed the shards <paramref name="more"/> more times.</summary>
    private void AwaitDiscoveries(int more)
    {
        var seen = Discoveries;
        AwaitAssert(() => Discoveries.Should().BeGreaterThanOrEqualTo(seen + more), Deadline, Poll);
    }

    private static Func<Step, bool> ReadOf(params string[] shards) => s => Timeline.IsRead(s) && shards.Contains(s.ShardId);

    private static Func<Step, bool> ShardEndOf(string shard) => s => s.What == "Saved" && s.ShardId == shard && s.ShardEnd;

    [Fact]
    public void Starts_one_reader_per_shard_it_owns()
    {
        Api.AddShard("s-0", Records.Of("game-a", 101, 102));
        Api.AddShard("s-1", Records.Of("game-b", 201, 202));
        Api.AddShard("s-2", Records.Of("game-c", 301, 302));
        StartCoordinator(ownership: new Owning("s-0", "s-2"));

        AwaitAssert(() =>
        {
            Store.Checkpoint("s-0").Should().Be("102");
            Store.Checkpoint("s-2").Should().Be("302");
        }, Deadline, Poll);
        AwaitDiscoveries(3);
        Store.Acquires("s-0").Should().Be(1, "a shard being read gets no second reader at later discoveries");
        Store.Acquires("s-2").Should().Be(1);
        Timeline.Count(s => s.ShardId == "s-1").Should().Be(0, "another worker owns s-1");
        _board.Shards.Select(s => (s.ShardId, s.Reading)).Should().Equal(("s-0", true), ("s-2", true));
    }

    [Fact]
    public void After_a_split_the_children_are_not_read_before_the_parent_has_its_SHARD_END_checkpoint()
    {
        Api.AddShard("parent", Records.Of("game-p", 101, 102), open: false);
        Api.AddShard("child-1", Records.Of("game-x", 201, 202), parent: "parent");
        Api.AddShard("child-2", Records.Of("game-y", 301, 302), parent: "parent");
        HoldBack("game-p"); // the parent cannot reach its end until released
        StartCoordinator();

        AwaitAssert(() => EntityLog.HeldBack.Should().HaveCount(2), Deadline, Poll);
        AwaitDiscoveries(2);
        Timeline.Count(ReadOf("child-1", "child-2")).Should().Be(0, "the parent is still being read");

        Release("game-p");
        AwaitAssert(() =>
        {
            Store.Checkpoint("child-1").Should().Be("202");
            Store.Checkpoint("child-2").Should().Be("302");
        }, Deadline, Poll);
        var parentEnded = Timeline.First(ShardEndOf("parent"));
        parentEnded.Should().BeGreaterThanOrEqualTo(0);
        Timeline.First(ReadOf("child-1", "child-2")).Should().BeGreaterThan(parentEnded, "no child call before the parent's SHARD_END checkpoint");
    }

    [Fact]
    public void After_a_merge_the_child_is_not_read_before_both_parents_have_their_SHARD_END_checkpoint()
    {
        Api.AddShard("parent-1", Records.Of("game-p", 101, 102), open: false);
        Api.AddShard("parent-2", Records.Of("game-q", 201, 202), open: false);
        Api.AddShard("child", Records.Of("game-x", 301, 302), parent: "parent-1", adjacentParent: "parent-2");
        HoldBack("game-q"); // the second parent cannot reach its end until released
        StartCoordinator();

        AwaitAssert(() =>
        {
            Store.HasEnded("parent-1").Should().BeTrue();
            EntityLog.HeldBack.Should().HaveCount(2);
        }, Deadline, Poll);
        AwaitDiscoveries(2);
        Timeline.Count(ReadOf("child")).Should().Be(0, "one parent has ended, the other is still being read");

        Release("game-q");
        AwaitAssert(() => Store.Checkpoint("child").Should().Be("302"), Deadline, Poll);
        var firstChildCall = Timeline.First(ReadOf("child"));
        firstChildCall.Should().BeGreaterThan(Timeline.First(ShardEndOf("parent-1")));
        firstChildCall.Should().BeGreaterThan(Timeline.First(ShardEndOf("parent-2")), "no child call before both parents' SHARD_END checkpoints");
    }

    [Fact]
    public void A_child_whose_parent_has_left_the_stream_is_read_at_once()
    {
        Api.AddShard("child", Records.Of("game-x", 301, 302), parent: "trimmed-parent");
        StartCoordinator();

        AwaitAssert(() => Store.Checkpoint("child").Should().Be("302"), Deadline, Poll);
    }

    [Fact]
    public void A_failed_reader_is_started_again_at_the_next_discovery()
    {
        Api.AddShard("s-0", Records.Of("game-a", 101, 102, 103, 104));
        Api.FailGetRecords("s-0"); // the first reader's first read fails
        StartCoordinator();

        AwaitAssert(() => Store.Checkpoint("s-0").Should().Be("104"), Deadline, Poll);
        Store.Acquires("s-0").Should().Be(2);
        var failed = Timeline.First(s => s.What == "GetRecordsFailed");
        var restarted = Timeline.Last(s => s.What == "Acquire" && s.ShardId == "s-0");
        Timeline.Steps.Skip(failed).Take(restarted - failed).Should().Contain(s => s.What == "ListShards", "a discovery starts the new reader");
    }

    [Fact]
    public void After_MaxBatchFailures_failures_over_the_same_records_the_next_reader_isolates_them()
    {
        // The junk record's malformed_json dead letter is refused every time; a plain processing_failed one is not.
        Api.AddShard("s-0", Records.Of("game-a", 101).Append(Records.Junk(102)).Concat(Records.Of("game-a", 103)));
        DeadLetters.Refuse = letter => letter.SequenceNumber == "102" && letter.Reason != "processing_failed";
        StartCoordinator(Eager with { MaxBatchFailures = 2 });

        AwaitAssert(() => Store.Checkpoint("s-0").Should().Be("103"), Deadline, Poll);
        var letter = DeadLetters.Letters.Should().ContainSingle().Subject;
        letter.SequenceNumber.Should().Be("102");
        letter.Reason.Should().Be("processing_failed", "the isolating reader stored the letter it could not store as it was as a plain one");
        letter.Message.Should().Contain("malformed_json").And.Contain("repeatedly");
        Store.Acquires("s-0").Should().Be(3, "two readers failed on the batch, the third isolated its records");
        DeadLetters.Refusals.Should().Be(3, "each failed reader's store, then the isolating reader's first one");
    }

    [Fact]
    public void DrainAll_drains_every_reader_and_answers_with_their_count()
    {
        Api.AddShard("s-0", Records.Of("game-a", 101, 102));
        Api.AddShard("s-1", Records.Of("game-b", 201, 202));
        var coordinator = StartCoordinator(Options); // no checkpoint but the drain's
        AwaitAssert(() => AppliedEvents.Should().HaveCount(4), Deadline, Poll);

        coordinator.Tell(DrainAll.Instance, TestActor);

        ExpectMsg<IngressDrained>(m => m.Readers.Should().Be(2), Deadline);
        foreach (var (shard, last) in new[] { ("s-0", "102"), ("s-1", "202") })
        {
            var row = Store.Row(shard)!.Value;
            row.SequenceNumber.Should().Be(last);
            row.Owner.Should().BeNull($"{shard}'s lease is released");
        }
    }

    /// <summary>This worker's shards: the ones named, or every shard when none is.</summary>
    private sealed class Owning(params string[] shards) : IShardOwnership
    {
        public bool Owns(string shardId) => shards.Length == 0 || shards.Contains(shardId);
    }
}
