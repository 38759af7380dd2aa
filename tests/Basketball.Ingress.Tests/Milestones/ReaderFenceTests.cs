using System.Collections.Immutable;
using Basketball.Domain.Games;
using Basketball.Domain.Milestones;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Ingress.Tests.Storage;
using Basketball.ReadSide.Fencing;
using Basketball.ReadSide.League;
using Basketball.ReadSide.Milestones;
using Basketball.Storage;
using static Basketball.TestSupport.TestEvents;

namespace Basketball.Ingress.Tests.Milestones;

/// <summary>
/// The singleton readers' fence: an instance whose lease a successor took (it ran on, on a node the cluster downed)
/// records nothing more, in the milestone table or the league tables, and learns it before it puts to Kinesis.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReaderFenceTests(PostgresFixture postgres) : IDisposable
{
    private readonly TestDatabases _databases = new(postgres);

    public static TheoryData<DatabaseKind> Kinds => TestDatabases.Kinds;

    public void Dispose() => _databases.Dispose();

    [Theory, MemberData(nameof(Kinds))]
    public async Task A_publisher_whose_lease_a_successor_took_records_no_milestone_and_no_offset(DatabaseKind kind)
    {
        var (database, fence, stale, successor) = await TwoInstancesAsync(kind, MilestonePublisher.ReaderName);
        var store = new MilestoneStore(database);
        await store.AppendAsync([Fired("p-1")], MilestonePublisher.ReaderName, 40, new FenceCheck(fence, successor));

        (await fence.IsCurrentAsync(stale)).Should().BeFalse("checked before a put to the output stream");
        (await fence.IsCurrentAsync(successor)).Should().BeTrue();
        var late = () => store.AppendAsync([Fired("p-2")], MilestonePublisher.ReaderName, 12, new FenceCheck(fence, stale));
        (await late.Should().ThrowAsync<ReaderFencedException>()).Which.Lease.Should().Be(stale);

        (await store.NewestAsync(10)).Select(m => m.Milestone.Subject).Should().Equal("p-1");
        (await store.OffsetAsync(MilestonePublisher.ReaderName)).Should().Be(40, "the stale instance's older offset did not land");
        successor.Epoch.Should().Be(stale.Epoch + 1);
    }

    [Theory, MemberData(nameof(Kinds))]
    public async Task A_projector_whose_lease_a_successor_took_applies_nothing(DatabaseKind kind)
    {
        var (database, fence, stale, successor) = await TwoInstancesAsync(kind, LeagueProjector.ReaderName);
        var store = new LeagueStore(database);
        var game = new[] { Scheduled("g-f"), Started("g-f"), Score("g-f", "t-1", "p-1", 3), Completed("g-f") }
            .Select(e => new GameEventApplied(e, ImmutableArray<Milestone>.Empty)).ToArray();
        await store.ApplyGamesAsync(game, offset: 9, new FenceCheck(fence, successor));

        // The stale instance lags behind: it would set the completed game back to InProgress.
        var late = () => store.ApplyGamesAsync(game[..3], offset: 8, new FenceCheck(fence, stale));

        await late.Should().ThrowAsync<ReaderFencedException>();
        (await store.StandingsAsync()).Should().Contain(s => s.TeamId == "t-1" && s.Wins == 1, "the game stays completed");
    }

    /// <summary>A reader's instance on node a, then its successor on node b (which took the next epoch).</summary>
    private async Task<(DatabaseTarget Database, ReaderFence Fence, ReaderLease Stale, ReaderLease Successor)> TwoInstancesAsync(DatabaseKind kind, string reader)
    {
        var database = await _databases.CreateAsync(kind);
        var fence = new ReaderFence(database);
        return (database, fence, await fence.TakeAsync(reader, "node-a#1"), await fence.TakeAsync(reader, "node-b#2"));
    }

    private static Milestone Fired(string subject) => new(
        Milestone.IdOf("g-1", MilestoneRuleNames.PlayerPointsInGame, subject, 10, 1), MilestoneRuleNames.PlayerPointsInGame,
        "g-1", "Game", subject, 10, 11, 1, false, "g-1", "e-" + subject, DateTimeOffset.UnixEpoch);
}
