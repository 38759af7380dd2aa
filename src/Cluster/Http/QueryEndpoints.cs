// GET endpoints for the projections (SPEC §5, §8): entities answer for games and players, the league tables
// for standings and leaders.
using Akka.Actor;
using Akka.Hosting;
using Basketball.ReadSide.League;
using Basketball.Shards.Entities;
using Basketball.Shards.Hosting;

namespace Basketball.Cluster.Http;

public static class QueryEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/games/{gameId}", async (string gameId, IRequiredActor<GameRegion> games, CancellationToken ct) =>
        {
            var reply = await games.ActorRef.Ask<GameReply>(new GetGame(gameId), AskTimeout, ct);
            return reply.Game is null ? NotFound("game", gameId) : Results.Ok(reply.Game);
        });

        app.MapGet("/api/games/{gameId}/plays", async (string gameId, IRequiredActor<GameRegion> games, CancellationToken ct) =>
        {
            var reply = await games.ActorRef.Ask<GamePlaysReply>(new GetGamePlays(gameId), AskTimeout, ct);
            return reply.Plays is null ? NotFound("game", gameId) : Results.Ok(reply.Plays);
        });

        app.MapGet("/api/players/{playerId}", async (string playerId, IRequiredActor<PlayerRegion> players, CancellationToken ct) =>
        {
            var reply = await players.ActorRef.Ask<PlayerReply>(new GetPlayer(playerId), AskTimeout, ct);
            return reply.Player is null ? NotFound("player", playerId) : Results.Ok(reply.Player);
        });

        app.MapGet("/api/standings", async (LeagueStore league, CancellationToken ct) => Results.Ok(await league.StandingsAsync(ct)));
        app.MapGet("/api/leaders", async (int? limit, LeagueStore league, CancellationToken ct) =>
            Results.Ok(await league.LeadersAsync(limit ?? 10, ct)));

        return app;
    }

    public static IResult NotFound(string kind, string id) =>
        Results.NotFound(new ErrorBody("not_found", $"no {kind} '{id}': it has no events"));
}

/// <summary>The JSON body of every HTTP error.</summary>
public sealed record ErrorBody(string Error, string Message);
