// One ShardReader against the fakes, the test actor as its parent: where it resumes, what its checkpoints cover and
// when they are written, how it ends (shard end, fencing, failures, drain) and how an idle reader checks its lease.
using Akka.Actor;
using Basketball.Ingress.Consumer;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Basketball.Ingress.Tests.Consumer;

public class ShardReaderSpecs(ITestOutputHelper output) : ConsumerSpec(output)
{
    private const string Shard = "shardId-000000000000";

    private IActorRef StartReader(IngressOptions options, SequenceRange? isolate = null)
    {
        var reader = ChildActorOf(ShardReader.PropsFor(Shard, Owner, Api, Store, Processor(options), options, new IngressMetrics(),
            new ShardStatus(Shard), NullLogger.Instance, isolate));
        Watch(reader);
        return reader;
    }

    [Fact]
    public void Resumes_after_the_checkpoint_of_its_lease()
    {
        Api.AddShard(Shard, Records.Of("game-a", 101, 102, 103).Concat(Records.Of("game-b", 104, 105, 106)));
        Store.Preset(Shard, "103");

        StartReader(Options with { CheckpointEveryRecords = 1 });

        AwaitAssert(() => Store.Checkpoint(Shard).Should().Be("106"), Deadline, Poll);
        Api.Positions(Shard).Should().Equal(ShardPosition.After("103"));
        AppliedEvents.Should().Equal(["game-b", "game-b", "game-b"], "only the records after the checkpoint are read");
    }

    [Fact]
    public void A_checkpoint_covers_only_durable_records()
    {
        // Three batches: the second one's delivery is held back while the third one's is answered.
        Api.AddShard(Shard, Records.Of("game-a", 101, 102).Concat(Records.Of("game-b", 103, 104)).Concat(Records.Of("game-c", 105, 106)));
        HoldBack("game-b");
        StartReader(Options with
        {
            BatchesInFlight = 2,
            CheckpointEveryRecords = 1,
            CheckpointEvery = TimeSpan.FromMilliseconds(20),
            LeaseCheckEvery = TimeSpan.FromMilliseconds(1), // a flush with nothing new to save checks the lease instead
        });

        AwaitAssert(() =>
        {
            EntityLog.HeldBack.Should().HaveCount(2);
            AppliedEvents.Should().Contain("game-c", "the batch after the held one is delivered");
        }, Deadline, Poll);
        var delivered = Timeline.Steps.Count;
        // Two flushes after that found nothing durable to add: they checked the lease.
        AwaitAssert(() => Timeline.Steps.Skip(delivered).Count(s => s.What == "LeaseChecked").Should().BeGreaterThanOrEqualTo(2), Deadline, Poll);
        Store.Saves(Shard).Select(s => s.SequenceNumber).Should().Equal(["102"], "game-b's records are not durable, so nothing after 102 is");

        Release("game-b");
        AwaitAssert(() => Store.Checkpoint(Shard).Should().Be("106"), Deadline, Poll);
    }

    [Fact]
    public void Writes_a_checkpoint_every_CheckpointEveryRecords_durable_records()
    {
        Api.AddShard(Shard, Records.Of("game-a", 101, 102, 103, 104, 105, 106, 107, 108, 109, 110));

        StartReader(Options with { CheckpointEveryRecords = 4 });

        AwaitAssert(() => AppliedEvents.Should().HaveCount(10), Deadline, Poll);
        // A save happens once 4 records became durable since the one before; batches that finish while it is in
        // flight count for the next. So the saves are 104 and then 108 or 110, and fewer than 4 records stay unsaved.
        AwaitAssert(() =>
        {
            var saved = Store.Saves(Shard).Select(s => long.Parse(s.SequenceNumber!)).ToArray();
            saved.Should().NotBeEmpty().And.StartWith(104L, "the first save comes with the fourth durable record");
            saved.Zip(saved.Skip(1), (before, after) => after - before).Should().OnlyContain(gap => gap >= 4);
            (110 - saved[^1]).Should().BeLessThan(4);
        }, Deadline, Poll);
        Store.Writes(Shard).Should().OnlyContain(w => w.Outcome == "Saved", "no flush and no lease check is due");
    }

    [Fact]
    public void At_the_shard_end_writes_a_SHARD_END_checkpoint_and_tells_its_parent()
    {
        Api.AddShard(Shard, Records.Of("game-a", 101, 102, 103), open: false);
        var reader = StartReader(Options);

        ExpectMsg<ShardCompleted>(m => m.ShardId.Should().Be(Shard), Deadline);
        ExpectTerminated(reader, Deadline);
        var row = Store.Row(Shard)!.Value;
        row.SequenceNumber.Should().Be("103");
        row.ShardEnd.Should().BeTrue();
        Store.Saves(Shard).Should().ContainSingle().Which.ShardEnd.Should().BeTrue("the only checkpoint written is the SHARD_END one");
    }

    [Fact]
    public void A_shard_whose_lease_is_at_its_end_is_not_read_again()
    {
        Api.AddShard(Shard, Records.Of("game-a", 101, 102), open: false);
        Store.Preset(Shard, "102", shardEnd: true);
        var reader = StartReader(Options);

        ExpectMsg<ShardCompleted>(m => m.ShardId.Should().Be(Shard), Deadline);
        ExpectTerminated(reader, Deadline);
        Timeline.Count(Timeline.IsRead).Should().Be(0);
        Store.Writes(Shard).Should().BeEmpty();
    }

    [Fact]
    public void A_fenced_save_stops_the_reader_at_once_and_nothing_more_is_written()
    {
        Api.AddShard(Shard, Records.Of("game-a", 101, 102).Concat(Records.Of("game-b", 103, 104)).Concat(Records.Of("game-c", 105, 106)));
        HoldBack("game-b");
        var reader = StartReader(Options with { CheckpointEveryRecords = 1, CheckpointEvery = TimeSpan.FromMilliseconds(20) });
        AwaitAssert(() => Store.Saves(Shard).Should().NotBeEmpty(), Deadline, Poll);

        Store.Fence(Shard); // another node acquired the shard
        Release("game-b"); // its records become durable: the reader saves them

        ExpectTerminated(reader, Deadline);
        var fenced = Store.Writes(Shard).SkipWhile(w => w.Outcome != "Fenced").ToArray();
        fenced.Should().ContainSingle("the first write after the fence is refused, and the reader writes nothing after it");
        Store.Checkpoint(Shard).Should().Be("102");
        Store.Releases(Shard).Should().Be(0, "a fenced lease is not the reader's to release");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // and the parent is told nothing
    }

    [Fact]
    public void A_stream_failure_stops_the_reader_after_saving_what_is_durable()
    {
        Api.AddShard(Shard, Records.Of("game-a", 101, 102).Concat(Records.Of("game-b", 103, 104)));
        HoldBack("game-b"); // the second batch is in flight when reading fails
        var reader = StartReader(Options);
        AwaitAssert(() => EntityLog.HeldBack.Should().HaveCount(2), Deadline, Poll);

        Api.FailGetRecords(Shard);

        ExpectTerminated(reader, Deadline);
        AwaitAssert(() => Store.Checkpoint(Shard).Should().Be("102"), Deadline, Poll);
        Store.Saves(Shard).Should().ContainSingle();
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // a failure of reading is no batch's failure: no ShardBatchFailed
    }

    [Fact]
    public void A_failure_in_processing_tells_the_parent_the_batch_s_records_and_stops_the_reader()
    {
        // The second batch holds a record whose dead letter cannot be stored: processing that batch throws.
        Api.AddShard(Shard, Records.Of("game-a", 101, 102).Append(Records.Junk(103)).Concat(Records.Of("game-b", 104)));
        DeadLetters.Refuse = letter => letter.SequenceNumber == "103";
        var reader = StartReader(Options);

        ExpectMsg<ShardBatchFailed>(Deadline).Should().Be(new ShardBatchFailed(Shard, new SequenceRange("103", "104")));
        ExpectTerminated(reader, Deadline);
        AwaitAssert(() => Store.Checkpoint(Shard).Should().Be("102", "what was durable is saved"), Deadline, Poll);
        DeadLetters.Letters.Should().BeEmpty();
    }

    [Fact]
    public void A_drain_is_answered_Drained_after_the_final_checkpoint_and_the_release()
    {
        Api.AddShard(Shard, Records.Of("game-a", 101, 102, 103, 104, 105));
        var reader = StartReader(Options);
        AwaitAssert(() => AppliedEvents.Should().HaveCount(5), Deadline, Poll);
        Store.Writes(Shard).Should().BeEmpty("only the drain writes a checkpoint here");
        Store.ReleaseGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        reader.Tell(Drain.Instance, TestActor);

        ExpectTerminated(reader, Deadline); // it stops once the release is under way
        Store.Releases(Shard).Should().Be(1);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // but answers Drained only once the release is done
        Store.ReleaseGate.SetResult();
        ExpectMsg<Drained>(m => m.ShardId.Should().Be(Shard), Deadline);

        Timeline.Last(s => s.What == "Saved" && s.ShardId == Shard && s.SequenceNumber == "105")
            .Should().BeLessThan(Timeline.First(s => s.What == "Release"), "the final checkpoint is stored before the lease is released");
        var row = Store.Row(Shard)!.Value;
        row.SequenceNumber.Should().Be("105");
        row.Owner.Should().BeNull("the lease is released");
    }

    [Fact]
    public void A_drain_processes_and_checkpoints_the_answer_of_the_GetRecords_call_in_flight()
    {
        // Kinesis has handed out 103 and 104 when the drain comes: dropping that answer would leave the checkpoint
        // at 102, and the next owner would read 103 and 104 a second time though they were never applied.
        Api.AddShard(Shard, Records.Of("game-a", 101, 102, 103, 104));
        var gate = Api.HoldGetRecords(Shard, index: 2);
        var reader = StartReader(Options);
        AwaitAssert(() =>
        {
            AppliedEvents.Should().HaveCount(2);
            Timeline.Count(s => s.What == "GetRecordsHeld").Should().Be(1);
        }, Deadline, Poll);

        reader.Tell(Drain.Instance, TestActor);
        reader.Tell(new Identify("drain-seen"), TestActor); // answered after the Drain (one mailbox, in order)
        ExpectMsg<ActorIdentity>(Deadline);
        gate.SetResult();

        ExpectMsg<Drained>(Deadline);
        AppliedEvents.Should().HaveCount(4, "the answer in flight at the drain was processed");
        Store.Row(Shard)!.Value.SequenceNumber.Should().Be("104", "and checkpointed, so the next owner starts after it");
        Timeline.Count(s => s.What == "GetRecords" && s.ShardId == Shard).Should().Be(2, "no call was made after the drain");
    }

    [Fact]
    public void An_idle_reader_confirms_its_lease()
    {
        Api.AddShard(Shard, []);
        StartReader(Options with { CheckpointEvery = TimeSpan.FromMilliseconds(20), LeaseCheckEvery = TimeSpan.FromMilliseconds(100) });

        AwaitAssert(() => Store.Writes(Shard).Count(w => w.IsLeaseCheck && w.Outcome == "LeaseChecked").Should().BeGreaterThanOrEqualTo(2),
            Deadline, Poll);
        Store.Saves(Shard).Should().BeEmpty();
    }

    [Fact]
    public void An_idle_reader_whose_lease_was_taken_stops_at_its_next_lease_check()
    {
        Api.AddShard(Shard, []);
        var reader = StartReader(Options with { CheckpointEvery = TimeSpan.FromMilliseconds(20), LeaseCheckEvery = TimeSpan.FromMilliseconds(100) });
        AwaitAssert(() => Store.Writes(Shard).Should().Contain(w => w.IsLeaseCheck), Deadline, Poll);

        Store.Fence(Shard);

        ExpectTerminated(reader, Deadline);
        Store.Writes(Shard).SkipWhile(w => w.Outcome != "Fenced").Should().ContainSingle();
    }

    [Fact]
    public void A_failed_checkpoint_write_is_retried_at_the_next_flush()
    {
        Api.AddShard(Shard, Records.Of("game-a", 101, 102));
        Store.FailWrites(Shard);
        StartReader(Options with { CheckpointEvery = TimeSpan.FromMilliseconds(20) });

        AwaitAssert(() => Store.Checkpoint(Shard).Should().Be("102"), Deadline, Poll);
        Store.Writes(Shard).Select(w => w.Outcome).Should().StartWith(["SaveFailed", "Saved"]);
    }

    [Fact]
    public void At_most_one_checkpoint_write_is_in_flight()
    {
        Api.AddShard(Shard, Records.Of("game-a", 101, 102, 103, 104, 105, 106, 107, 108, 109, 110));
        Store.WriteGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        StartReader(Options with { CheckpointEveryRecords = 1, CheckpointEvery = TimeSpan.FromMilliseconds(10) });

        // Every batch asks for a checkpoint while the first write waits at the gate.
        AwaitAssert(() => AppliedEvents.Should().HaveCount(10), Deadline, Poll);
        Store.WriteGate.SetResult();

        AwaitAssert(() => Store.Checkpoint(Shard).Should().Be("110"), Deadline, Poll);
        Store.MaxWritesInFlight.Should().Be(1);
    }
}
