// `journal`: compare a live entity with a full replay of its journal, and rebuild the league projections.
// `journal replay` is described here but runs in the CLI, against the database, with no node needed.
using System.Text.Json;
using Akka.Actor;
using Basketball.Ops;
using Basketball.ReadSide.League;
using Basketball.Replay;
using Basketball.Shards.Entities;
using Basketball.Storage;
using static Basketball.Ops.OpsCatalog;

namespace Basketball.Cluster.Operations;

public sealed record VerifyReport(string PersistenceId, long Version, int Events, IReadOnlyList<string> Differences)
{
    public IReadOnlyList<string> Lines() => Differences.Count == 0
        ? [$"{PersistenceId} at version {Version}: the live state equals a full replay of {Events} events"]
        : [$"{PersistenceId} at version {Version}: {Differences.Count} differences between the live state and a full replay (live ≠ replay):",
            .. Differences.Select(d => $"  {d}")];
}

public sealed record ProjectionsRebuilding(bool Rebuilding)
{
    public IReadOnlyList<string> Lines() =>
        ["league projections dropped; rebuilding from the start of the journal (queries answer from the partial tables meanwhile)"];
}

public static class JournalPalette
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RebuildTimeout = TimeSpan.FromSeconds(60);

    public static OpsPalette Create(ActorSystem system, DatabaseTarget database, IActorRef games, IActorRef players, IActorRef leagueProjector) =>
        OpsPalette.Of("journal", "the journal as the source of truth: replay, verify, rebuild",
            new OpsCommand(OpsCatalog.JournalReplay, (_, _) => throw new InvalidOperationException("journal replay runs in the CLI")),
            Query(Command("verify", "compare the live entity with a full replay of its journal; exit 1 on a difference",
                    Opt("-p", "persistence id: game-{id} or player-{id}", required: true)),
                async (invocation, ct) =>
                {
                    var report = await VerifyAsync(system, database, games, players, invocation.Required("p"), ct);
                    return new OpsOutput(report.Lines(), report, report.Differences.Count == 0 ? OpsExit.Ok : OpsExit.Failed);
                }),
            Query(Command("rebuild-projections", "drop the league projections (standings, leaders) and rebuild them from the journal, while running")
                    with { Changes = true },
                async (_, ct) =>
                {
                    await leagueProjector.Ask<LeagueProjectionsRebuilding>(RebuildLeagueProjections.Instance, RebuildTimeout, ct);
                    var rebuilding = new ProjectionsRebuilding(true);
                    return new OpsOutput(rebuilding.Lines(), rebuilding);
                }));

    public static async Task<VerifyReport> VerifyAsync(ActorSystem system, DatabaseTarget database, IActorRef games, IActorRef players, string persistenceId,
        CancellationToken cancellationToken)
    {
        // Live first, then the replay up to the live version, so events arriving meanwhile do not show as differences.
        object? live;
        long version;
        if (persistenceId.StartsWith(GameEntity.PersistenceIdPrefix, StringComparison.Ordinal))
        {
            var game = (await games.Ask<GameReply>(new GetGame(persistenceId[GameEntity.PersistenceIdPrefix.Length..]), AskTimeout, cancellationToken)).Game;
            (live, version) = (game, game?.Version ?? 0);
        }
        else if (persistenceId.StartsWith(PlayerEntity.PersistenceIdPrefix, StringComparison.Ordinal))
        {
            var player = (await players.Ask<PlayerReply>(new GetPlayer(persistenceId[PlayerEntity.PersistenceIdPrefix.Length..]), AskTimeout, cancellationToken)).Player;
            (live, version) = (player, player?.Version ?? 0);
        }
        else
        {
            throw OpsCommandException.Usage($"'{persistenceId}' is not a persistence id: use game-{{id}} or player-{{id}}");
        }
        if (live is null)
            throw OpsCommandException.Failed($"{persistenceId} has no events");

        await using var replay = Replay.JournalReplay.On(system, database);
        var replayed = await replay.ReplayAsync(persistenceId, toSequenceNr: version, cancellationToken: cancellationToken)
                       ?? throw OpsCommandException.Failed($"{persistenceId} is live at version {version} but the journal has no events of it");
        var differences = Replay.JournalReplay.Differences(
            JsonSerializer.SerializeToElement(live, live.GetType(), OpsJson.Options),
            JsonSerializer.SerializeToElement(replayed.Projection, replayed.Projection.GetType(), OpsJson.Options));
        return new VerifyReport(persistenceId, version, replayed.Events, differences);
    }
}
