using System.Collections.Immutable;
using Basketball.Domain.Games;
using Basketball.Domain.Milestones;
using Basketball.Ingress.Tests.Fixtures;
using Basketball.Ingress.Tests.Storage;
using Basketball.ReadSide.League;
using Basketball.Storage;
using static Basketball.TestSupport.TestEvents;

namespace Basketball.Ingress.Tests.League;

[Collection(PostgresCollection.Name)]
public sealed class LeagueStoreTests(PostgresFixture postgres) : IDisposable
{
    private readonly TestDatabases _databases = new(postgres);

    public static TheoryData<DatabaseKind> Kinds => TestDatabases.Kinds;

    public void Dispose() => _databases.Dispose();

    [Theory, MemberData(nameof(Kinds))]
    public async Task Game_events_applied_twice_count_once(DatabaseKind kind)
    {
        // Two projectors may briefly run at once (a singleton taking over from one that has not stopped yet, the
        // two sides of a split brain): each applies the same journal events. The standings must not double.
        var store = new LeagueStore(await _databases.CreateAsync(kind));
        var three = Score("g-ls", "t-1", "p-1", 3);
        var two = Score("g-ls", "t-2", "p-2", 2, clockSeconds: 500);
        var corrected = Score("g-ls", "t-1", "p-1", 2, clockSeconds: 400);
        var events = new[]
        {
            Scheduled("g-ls"), Started("g-ls"), three, two, corrected, Correction("g-ls", corrected.EventId), Completed("g-ls"),
        }.Select(e => new GameEventApplied(e, ImmutableArray<Milestone>.Empty)).ToArray();

        await store.ApplyGamesAsync(events, offset: 7);
        await store.ApplyGamesAsync(events, offset: 7);
        await store.ApplyGamesAsync(events[2..6], offset: 6); // a lagging projector replays part of it once more
        await store.ApplyGamesAsync(events[2..5], offset: 5); // ... and the corrected score without its correction

        var standings = (await store.StandingsAsync()).ToDictionary(s => s.TeamId);
        standings["t-1"].Should().Be(new Standing("t-1", 1, 0, 3, 2));
        standings["t-2"].Should().Be(new Standing("t-2", 0, 1, 2, 3));
        (await store.OffsetAsync(LeagueStore.GamesReader)).Should().Be(7, "a lagging projector never moves the stored offset back");
    }
}
