// `game`, `player`, `milestones`, `deadletters`: the same answers as the HTTP API, for a terminal.
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Akka.Actor;
using Basketball.Domain.Games;
using Basketball.Domain.Milestones;
using Basketball.Domain.Players;
using Basketball.Ingress.DeadLetters;
using Basketball.Ops;
using Basketball.ReadSide.Milestones;
using Basketball.Shards.Entities;
using static Basketball.Ops.OpsCatalog;

namespace Basketball.Cluster.Operations;

public static class DomainPalettes
{
    public const int DefaultCount = 20;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How often `milestones tail` looks for new milestones (the SSE feed's interval).</summary>
    private static readonly TimeSpan TailPollInterval = Http.FeedEndpoints.LivePollInterval;

    public static OpsPalette Game(IActorRef games) =>
        OpsPalette.Of("game", "one game's projection (GET /api/games/{id})",
            Query(Command("show", "score, periods, box score of a game").WithArgument("id", "game id"),
                async (invocation, ct) =>
                {
                    var id = invocation.Argument("id");
                    var reply = await games.Ask<GameReply>(new GetGame(id), AskTimeout, ct);
                    var game = reply.Game ?? throw OpsCommandException.Failed($"no game '{id}': it has no events");
                    return new OpsOutput(GameLines(game), game);
                }));

    public static OpsPalette Player(IActorRef players) =>
        OpsPalette.Of("player", "one player's projection (GET /api/players/{id})",
            Query(Command("show", "career totals of a player").WithArgument("id", "player id"),
                async (invocation, ct) =>
                {
                    var id = invocation.Argument("id");
                    var reply = await players.Ask<PlayerReply>(new GetPlayer(id), AskTimeout, ct);
                    var player = reply.Player ?? throw OpsCommandException.Failed($"no player '{id}': it has no events");
                    return new OpsOutput(PlayerLines(player), player);
                }));

    public static OpsPalette Milestones(MilestoneStore store) =>
        OpsPalette.Of("milestones", "milestones published by the cluster (GET /api/milestones)",
            Query(Command("list", "the newest milestones, newest first", Opt("-n", $"how many (default {DefaultCount})")),
                async (invocation, ct) =>
                {
                    var rows = await store.NewestAsync(invocation.Int("n", DefaultCount, 1, Http.QueryLimit.Max), ct);
                    var milestones = rows.Select(r => r.Milestone).ToArray();
                    return new OpsOutput([.. milestones.Select(MilestoneLine), $"Count: {milestones.Length} milestones"], milestones);
                }),
            new OpsCommand(Command("tail", "follow milestones as they are published") with { Streams = true },
                (_, ct) => Tail(store, ct)));

    public static OpsPalette DeadLetters(DeadLetterStore store) =>
        OpsPalette.Of("deadletters", "records the stream could not apply (GET /api/deadletters)",
            Query(Command("peek", "the newest dead letters, newest first", Opt("-n", $"how many (default {DefaultCount})")),
                async (invocation, ct) =>
                {
                    var letters = await store.NewestAsync(invocation.Int("n", DefaultCount, 1, Http.QueryLimit.Max), ct);
                    return new OpsOutput([.. letters.Select(DeadLetterLine), $"Count: {letters.Count} dead letters"], letters);
                }));

    public static IReadOnlyList<string> GameLines(GameProjection game)
    {
        var home = game.HomeTeamId;
        var away = game.AwayTeamId;
        var lines = new List<string>
        {
            $"game {game.GameId} | {game.Status} | {home} {game.Score.GetValueOrDefault(home)} - {game.Score.GetValueOrDefault(away)} {away}" +
            $" | plays: {game.Plays} | lead changes: {game.LeadChanges}" +
            $" | largest lead: {(game.LargestLead is { } lead ? $"{lead.TeamId} +{lead.Points}" : "none")} | version: {game.Version}",
        };
        lines.AddRange(game.Periods.Select(p =>
            $"{PeriodName(p.Period)} | {home} {p.Score.GetValueOrDefault(home)} - {p.Score.GetValueOrDefault(away)} {away}"));
        if (game.Players.Count > 0)
        {
            var width = Math.Max("player".Length, game.Players.Keys.Max(k => k.Length));
            var teamWidth = Math.Max("team".Length, game.Players.Values.Max(p => p.TeamId.Length));
            lines.Add($"{"player".PadRight(width)} | {"team".PadRight(teamWidth)} | pts |  ft |  fg | 3pt");
            foreach (var (id, box) in game.Players.OrderByDescending(p => p.Value.Points).ThenBy(p => p.Key, StringComparer.Ordinal))
                lines.Add($"{id.PadRight(width)} | {box.TeamId.PadRight(teamWidth)} | {box.Points,3} | {box.FreeThrows,3} | {box.FieldGoals,3} | {box.ThreePointers,3}");
        }
        return lines;
    }

    public static IReadOnlyList<string> PlayerLines(PlayerProjection player) =>
    [
        $"player {player.PlayerId}{(player.Name is null ? "" : $" ({player.Name})")} | team: {player.TeamId ?? "none"} | version: {player.Version}",
        $"games: {player.GamesPlayed} | points: {player.Points} | per game: {player.PointsPerGame.ToString("0.0", CultureInfo.InvariantCulture)}" +
        $" | ft: {player.FreeThrows} | fg: {player.FieldGoals} | 3pt: {player.ThreePointers}" +
        $" | career high: {(player.CareerHigh is { } high ? $"{high.Points} ({high.GameId})" : "none")}",
        .. player.Games.Select(g => $"{g.Key} | {g.Value} pts"),
    ];

    public static string MilestoneLine(Milestone m) =>
        $"{m.Timestamp.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} | {m.Rule} | {m.AggregateId} | {m.Subject}: {m.Value}" +
        $"{(m.Threshold > 0 ? $" (threshold {m.Threshold})" : "")}{(m.Occurrence > 1 ? $" occurrence {m.Occurrence}" : "")}" +
        $"{(m.Revoked ? " REVOKED" : "")} | {m.MilestoneId}";

    public static string DeadLetterLine(DeadLetter d) =>
        $"{d.ReceivedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} | {d.Reason} | {(d.ShardId is null ? "http" : $"{d.ShardId}/{d.SequenceNumber}{(d.SubSequenceNumber is { } sub ? $"#{sub}" : "")}")}" +
        $" | {d.EventId ?? "-"} | {d.Message} | data: {Preview(d.Data)}";

    private static string PeriodName(int period) => period <= 4 ? $"Q{period}" : $"OT{period - 4}";

    private static string Preview(byte[] data)
    {
        var text = Encoding.UTF8.GetString(data, 0, Math.Min(data.Length, 60)).ReplaceLineEndings(" ");
        return data.Length > 60 ? text + "…" : text;
    }

    private static async IAsyncEnumerable<OpsOutput> Tail(MilestoneStore store, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // From "now": `milestones list` shows the past.
        var position = await store.LastPositionAsync(cancellationToken);
        await foreach (var row in store.FollowAsync(position, TailPollInterval, cancellationToken))
            yield return new OpsOutput([MilestoneLine(row.Milestone)], row.Milestone);
    }
}
