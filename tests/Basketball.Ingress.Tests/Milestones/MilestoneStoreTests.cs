using Basketball.Domain.Milestones;
using Basketball.ReadSide.Milestones;
using Basketball.Storage;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Ingress.Tests.Storage;

namespace Basketball.Ingress.Tests.Milestones;

/// <summary>
/// The publisher's record: one row per milestone id and state (fired, revoked) however often a crash makes it
/// publish the same journal rows again, and the journal offset it resumes from.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class MilestoneStoreTests(PostgresFixture postgres) : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 3, 14, 19, 30, 5, TimeSpan.Zero);

    private readonly TestDatabases _databases = new(postgres);

    public static TheoryData<DatabaseKind> Kinds => TestDatabases.Kinds;

    public void Dispose() => _databases.Dispose();

    private static Milestone Fired(string subject, int threshold = 30) => new(
        Milestone.IdOf("g-1", MilestoneRuleNames.PlayerPointsInGame, subject, threshold, 1), MilestoneRuleNames.PlayerPointsInGame,
        "g-1", "Game", subject, threshold, threshold + 1, 1, false, "g-1", "e-" + subject, At);

    [Theory, MemberData(nameof(Kinds))]
    public async Task A_republished_batch_keeps_one_row_per_id_and_state_and_a_revocation_is_a_row_of_its_own(DatabaseKind kind)
    {
        var store = new MilestoneStore(await _databases.CreateAsync(kind));
        var a = Fired("p-1");
        var b = Fired("p-2");

        await store.AppendAsync([a, b], MilestonePublisher.ReaderName, 10);
        // The publisher crashed after the put and before its record: it publishes the same journal rows again.
        await store.AppendAsync([a, b], MilestonePublisher.ReaderName, 10);
        await store.AppendAsync([b, a with { Revoked = true }], MilestonePublisher.ReaderName, 12);
        await store.AppendAsync([a with { Revoked = true }], MilestonePublisher.ReaderName, 12);

        var newest = await store.NewestAsync(100);
        newest.Select(m => (m.Milestone.MilestoneId, m.Milestone.Revoked)).Should().Equal(
            (a.MilestoneId, true), (b.MilestoneId, false), (a.MilestoneId, false));
        newest.Select(m => m.Position).Should().BeInDescendingOrder().And.OnlyHaveUniqueItems();
        (await store.OffsetAsync(MilestonePublisher.ReaderName)).Should().Be(12);
        (await store.OffsetAsync("another-reader")).Should().Be(0, "each reader has its own offset");
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task The_feed_after_a_position_is_oldest_first_and_follows_new_rows(DatabaseKind kind)
    {
        var store = new MilestoneStore(await _databases.CreateAsync(kind));
        await store.AppendAsync([Fired("p-1"), Fired("p-2")], MilestonePublisher.ReaderName, 5);
        var start = await store.LastPositionAsync();
        await store.AppendAsync([Fired("p-3")], MilestonePublisher.ReaderName, 6);

        (await store.AfterAsync(start, 10)).Select(m => m.Milestone.Subject).Should().Equal("p-3");
        (await store.AfterAsync(0, 10)).Select(m => m.Milestone.Subject).Should().Equal("p-1", "p-2", "p-3");

        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<string>();
        var follow = Task.Run(async () =>
        {
            await foreach (var row in store.FollowAsync(start, TimeSpan.FromMilliseconds(50), cancel.Token))
            {
                seen.Add(row.Milestone.Subject);
                if (seen.Count == 2)
                    return;
            }
        });
        await store.AppendAsync([Fired("p-3"), Fired("p-4")], MilestonePublisher.ReaderName, 7); // p-3 again: no second row
        await follow;
        seen.Should().Equal("p-3", "p-4");
    }
}
