// The fenced checkpoint store against both databases it supports: each theory runs on a temp SQLite file and on
// a fresh database of the throw-away PostgreSQL server.
using Basketball.Ingress.Checkpoints;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Ingress.Tests.Storage;
using Basketball.Storage;

namespace Basketball.Ingress.Tests.Checkpoints;

[Collection(PostgresCollection.Name)]
public sealed class SqlCheckpointStoreTests(PostgresFixture postgres) : IDisposable
{
    private const string Stream = "basketball-events";
    private const string Shard = "shardId-000000000000";
    private const string Seq1 = "49590338271490256608559692538361571095921575989136588801";
    private const string Seq2 = "49590338271490256608559692540925702759324208523137515521";

    private readonly TestDatabases _databases = new(postgres);

    public static TheoryData<DatabaseKind> Kinds => TestDatabases.Kinds;

    public void Dispose() => _databases.Dispose();

    // With BASKETBALL_SKIP_POSTGRES=1 the PostgreSQL rows leave the theories; this says so in the results.
    [PostgresFact]
    public void The_postgresql_cases_of_these_tests_are_run() =>
        ((IEnumerable<object[]>)Kinds).Select(row => (DatabaseKind)row[0]).Should().Contain(DatabaseKind.Postgres);

    private async Task<SqlCheckpointStore> NewStoreAsync(DatabaseKind kind) => new(await _databases.CreateAsync(kind));

    [Theory, MemberData(nameof(Kinds))]
    public async Task Acquiring_a_new_shard_starts_at_epoch_one_without_a_checkpoint(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);

        var lease = await store.AcquireAsync(Stream, Shard, "node-a");

        lease.Should().Be(new ShardLease(Stream, Shard, "node-a", 1, SequenceNumber: null, ShardEnd: false, StartPosition: null));
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Every_acquire_increments_the_epoch_and_takes_ownership(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);

        var first = await store.AcquireAsync(Stream, Shard, "node-a");
        var second = await store.AcquireAsync(Stream, Shard, "node-b");
        var third = await store.AcquireAsync(Stream, Shard, "node-b");

        new[] { first.Epoch, second.Epoch, third.Epoch }.Should().Equal(1, 2, 3);
        var row = await store.GetAsync(Stream, Shard);
        row!.Owner.Should().Be("node-b");
        row.Epoch.Should().Be(3);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task An_acquire_with_an_expected_epoch_takes_the_shard_only_if_nobody_took_it_since(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var looked = await store.AcquireAsync(Stream, Shard, "node-a");
        await store.AcquireAsync(Stream, Shard, "node-b"); // taken between the look and the take

        var late = () => store.AcquireAsync(Stream, Shard, "node-c", expectedEpoch: looked.Epoch);

        var held = (await late.Should().ThrowAsync<ShardLeaseHeldException>()).Which;
        (held.ShardId, held.Message).Should().Be((Shard, $"{Stream}/{Shard} not taken: another reader took it after epoch 1"));
        var row = await store.GetAsync(Stream, Shard);
        (row!.Owner, row.Epoch).Should().Be(("node-b", 2L), "the refused acquire changed nothing");
        (await store.AcquireAsync(Stream, Shard, "node-c", expectedEpoch: 2)).Epoch.Should().Be(3);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task A_saved_checkpoint_is_where_the_next_owner_resumes(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var lease = await store.AcquireAsync(Stream, Shard, "node-a");

        await store.SaveAsync(lease, Seq1, shardEnd: false);
        var resumed = await store.AcquireAsync(Stream, Shard, "node-b");

        resumed.SequenceNumber.Should().Be(Seq1);
        resumed.ShardEnd.Should().BeFalse();
        resumed.Epoch.Should().Be(2);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task A_stale_lease_is_fenced_and_changes_nothing(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var stale = await store.AcquireAsync(Stream, Shard, "node-a");
        await store.SaveAsync(stale, Seq1, shardEnd: false);
        var current = await store.AcquireAsync(Stream, Shard, "node-b");
        var before = await store.GetAsync(Stream, Shard);

        var save = () => store.SaveAsync(stale, Seq2, shardEnd: true);

        (await save.Should().ThrowAsync<CheckpointFencedException>()).Which.Lease.Should().Be(stale);
        var after = await store.GetAsync(Stream, Shard);
        after.Should().Be(before);
        after!.SequenceNumber.Should().Be(Seq1);
        after.ShardEnd.Should().BeFalse();
        after.Owner.Should().Be(current.Owner);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task The_same_owner_with_an_older_epoch_is_fenced_too(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var old = await store.AcquireAsync(Stream, Shard, "node-a");
        await store.AcquireAsync(Stream, Shard, "node-a");

        var save = () => store.SaveAsync(old, Seq1, shardEnd: false);

        await save.Should().ThrowAsync<CheckpointFencedException>();
        (await store.GetAsync(Stream, Shard))!.SequenceNumber.Should().BeNull();
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task A_checkpoint_never_moves_backwards_even_where_string_order_disagrees(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var lease = await store.AcquireAsync(Stream, Shard, "node-a");

        await store.SaveAsync(lease, "10", shardEnd: false);
        await store.SaveAsync(lease, "9", shardEnd: false);
        (await store.GetAsync(Stream, Shard))!.SequenceNumber.Should().Be("10", "9 < 10 numerically, though \"9\" > \"10\" as text");

        await store.SaveAsync(lease, Seq2, shardEnd: false);
        await store.SaveAsync(lease, Seq1, shardEnd: false);
        (await store.GetAsync(Stream, Shard))!.SequenceNumber.Should().Be(Seq2);

        await store.SaveAsync(lease, "1" + new string('0', 60), shardEnd: false);
        (await store.GetAsync(Stream, Shard))!.SequenceNumber.Should().Be("1" + new string('0', 60));
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task The_shard_end_marker_persists_and_is_handed_to_the_next_owner(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var lease = await store.AcquireAsync(Stream, Shard, "node-a");

        await store.SaveAsync(lease, Seq2, shardEnd: true);
        await store.SaveAsync(lease, Seq2, shardEnd: false);
        var next = await store.AcquireAsync(Stream, Shard, "node-b");

        next.ShardEnd.Should().BeTrue("the marker is sticky until a reset");
        next.SequenceNumber.Should().Be(Seq2);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task An_empty_closed_shard_can_be_marked_ended_without_a_sequence_number(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var lease = await store.AcquireAsync(Stream, Shard, "node-a");

        await store.SaveAsync(lease, sequenceNumber: null, shardEnd: true);

        var row = await store.GetAsync(Stream, Shard);
        row!.ShardEnd.Should().BeTrue();
        row.SequenceNumber.Should().BeNull();
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Many_checkpoints_are_saved_in_one_batch_and_the_fenced_ones_are_reported(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var leases = new List<ShardLease>();
        for (var i = 0; i < 4; i++)
            leases.Add(await store.AcquireAsync(Stream, $"shardId-00000000000{i}", "node-a"));
        await store.AcquireAsync(Stream, "shardId-000000000002", "node-b");

        var fenced = await store.SaveManyAsync(leases
            .Select((lease, i) => new CheckpointWrite(lease, (100 + i).ToString(), ShardEnd: i == 3))
            .ToList());

        fenced.Should().ContainSingle().Which.Should().Be(leases[2]);
        var rows = await store.ListAsync(Stream);
        rows.Select(r => (r.ShardId, r.SequenceNumber, r.ShardEnd)).Should().Equal(
            ("shardId-000000000000", "100", false),
            ("shardId-000000000001", "101", false),
            ("shardId-000000000002", null, false),
            ("shardId-000000000003", "103", true));
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Listing_shows_only_the_requested_stream(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        await store.AcquireAsync(Stream, Shard, "node-a");
        await store.AcquireAsync("other-stream", Shard, "node-a");

        var rows = await store.ListAsync(Stream);

        rows.Should().ContainSingle().Which.Stream.Should().Be(Stream);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Reset_clears_the_checkpoint_records_the_start_position_and_fences_the_current_reader(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var reader = await store.AcquireAsync(Stream, Shard, "node-a");
        await store.SaveAsync(reader, Seq2, shardEnd: true);
        var at = new DateTimeOffset(2025, 3, 1, 12, 30, 0, TimeSpan.Zero);

        await store.ResetAsync(Stream, Shard, ShardStartPosition.AtTimestamp(at));

        var save = () => store.SaveAsync(reader, Seq2, shardEnd: false);
        await save.Should().ThrowAsync<CheckpointFencedException>("the reader must not write its old position over the reset");
        var next = await store.AcquireAsync(Stream, Shard, "node-b");
        next.SequenceNumber.Should().BeNull();
        next.ShardEnd.Should().BeFalse();
        next.StartPosition.Should().Be(ShardStartPosition.AtTimestamp(at));
        next.Epoch.Should().Be(3);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Reset_of_a_shard_never_read_creates_its_row(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);

        await store.ResetAsync(Stream, Shard, ShardStartPosition.Latest);

        var lease = await store.AcquireAsync(Stream, Shard, "node-a");
        lease.StartPosition.Should().Be(ShardStartPosition.Latest);
        lease.SequenceNumber.Should().BeNull();
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Release_frees_the_shard_but_keeps_the_checkpoint(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var lease = await store.AcquireAsync(Stream, Shard, "node-a");
        await store.SaveAsync(lease, Seq1, shardEnd: false);

        await store.ReleaseAsync(lease);

        var row = await store.GetAsync(Stream, Shard);
        row!.Owner.Should().BeNull();
        row.SequenceNumber.Should().Be(Seq1);
        var save = () => store.SaveAsync(lease, Seq2, shardEnd: false);
        await save.Should().ThrowAsync<CheckpointFencedException>("a released lease writes nothing");
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task A_stale_release_leaves_the_new_owner_in_place(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var stale = await store.AcquireAsync(Stream, Shard, "node-a");
        await store.AcquireAsync(Stream, Shard, "node-b");

        await store.ReleaseAsync(stale);

        (await store.GetAsync(Stream, Shard))!.Owner.Should().Be("node-b");
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Concurrent_acquires_hand_out_distinct_epochs_and_only_the_last_may_write(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        await store.EnsureCreatedAsync();

        var leases = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.AcquireAsync(Stream, Shard, $"node-{i}")));

        leases.Select(l => l.Epoch).Should().OnlyHaveUniqueItems().And.BeEquivalentTo(Enumerable.Range(1, 8).Select(i => (long)i));
        var winner = leases.MaxBy(l => l.Epoch)!;
        var fenced = await store.SaveManyAsync(leases.Select(l => new CheckpointWrite(l, Seq1, false)).ToList());
        fenced.Should().HaveCount(7).And.NotContain(winner);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task Two_stores_on_one_database_share_the_checkpoints(DatabaseKind kind)
    {
        var target = await _databases.CreateAsync(kind);
        var first = new SqlCheckpointStore(target);
        var second = new SqlCheckpointStore(target);

        var lease = await first.AcquireAsync(Stream, Shard, "node-a");
        await first.SaveAsync(lease, Seq1, shardEnd: false);

        (await second.AcquireAsync(Stream, Shard, "node-b")).SequenceNumber.Should().Be(Seq1);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task A_value_that_is_not_a_sequence_number_is_refused_before_touching_the_database(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var lease = await store.AcquireAsync(Stream, Shard, "node-a");

        var save = () => store.SaveAsync(lease, "12'; DROP TABLE kinesis_checkpoints; --", shardEnd: false);

        await save.Should().ThrowAsync<ArgumentException>();
        (await store.GetAsync(Stream, Shard)).Should().NotBeNull();
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task A_shard_reads_as_its_own_row_and_a_shard_without_one_as_none(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        await store.AcquireAsync(Stream, "shardId-000000000000", "node-a");
        await store.AcquireAsync(Stream, "shardId-000000000001", "node-b");

        (await store.GetAsync(Stream, "shardId-000000000001"))!.Owner.Should().Be("node-b");
        (await store.GetAsync(Stream, "shardId-000000000009")).Should().BeNull();
    }

    // A save without a sequence number writes no sort key either: sequence number 0 (the smallest there is) still
    // moves the checkpoint afterwards.
    [Theory, MemberData(nameof(Kinds))]
    public async Task Sequence_number_zero_is_saved_after_a_save_without_a_sequence_number(DatabaseKind kind)
    {
        var store = await NewStoreAsync(kind);
        var lease = await store.AcquireAsync(Stream, Shard, "node-a");

        await store.SaveAsync(lease, sequenceNumber: null, shardEnd: false);
        await store.SaveAsync(lease, "0", shardEnd: false);

        (await store.GetAsync(Stream, Shard))!.SequenceNumber.Should().Be("0");
    }

    // LeaseTakeover reads updated_at to tell a live owner's lease from an abandoned one: every write stamps it with
    // the store's clock.
    [Theory, MemberData(nameof(Kinds))]
    public async Task Every_write_stamps_the_row_with_the_time_of_the_stores_clock(DatabaseKind kind)
    {
        var clock = new SettableClock(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
        var store = new SqlCheckpointStore(await _databases.CreateAsync(kind), clock);

        var lease = await store.AcquireAsync(Stream, Shard, "node-a");
        (await store.GetAsync(Stream, Shard))!.UpdatedAt.Should().Be(clock.Now, "acquired");
        clock.Now += TimeSpan.FromSeconds(5);
        await store.SaveAsync(lease, Seq1, shardEnd: false);
        (await store.GetAsync(Stream, Shard))!.UpdatedAt.Should().Be(clock.Now, "saved");
        clock.Now += TimeSpan.FromSeconds(5);
        await store.ReleaseAsync(lease);
        (await store.GetAsync(Stream, Shard))!.UpdatedAt.Should().Be(clock.Now, "released");
        clock.Now += TimeSpan.FromSeconds(5);
        await store.ResetAsync(Stream, Shard, ShardStartPosition.Latest);
        (await store.GetAsync(Stream, Shard))!.UpdatedAt.Should().Be(clock.Now, "reset");
    }

    [Fact]
    public async Task Missing_names_leases_writes_and_positions_are_refused_before_touching_the_database()
    {
        var store = await NewStoreAsync(DatabaseKind.Sqlite);
        var lease = new ShardLease(Stream, Shard, "node-a", 1, null, false, null);

        await FluentActions.Awaiting(() => store.AcquireAsync("", Shard, "node-a")).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => store.AcquireAsync(Stream, "", "node-a")).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => store.AcquireAsync(Stream, Shard, "")).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => store.SaveManyAsync(null!)).Should().ThrowAsync<ArgumentNullException>();
        await FluentActions.Awaiting(() => store.ResetAsync("", Shard, ShardStartPosition.Latest)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => store.ResetAsync(Stream, "", ShardStartPosition.Latest)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => store.ResetAsync(Stream, Shard, null!)).Should().ThrowAsync<ArgumentNullException>();
        await FluentActions.Awaiting(() => store.ReleaseAsync(null!)).Should().ThrowAsync<ArgumentNullException>();
        await FluentActions.Awaiting(() => store.GetAsync("", Shard)).Should().ThrowAsync<ArgumentException>();
        await FluentActions.Awaiting(() => store.ListAsync("")).Should().ThrowAsync<ArgumentException>();
        (await store.SaveManyAsync([])).Should().BeEmpty();
        (await store.ListAsync(Stream)).Should().BeEmpty("nothing above wrote a row");
    }

    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
