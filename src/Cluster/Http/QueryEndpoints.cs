// GET endpoints for the projections (SPEC §5, §8): entities answer for games and players, the league tables
// for standings and leaders.
using Akka.Actor;
using Akka.Hosting;
using Basketball.Domain.Events;
using Basketball.ReadSide.League;
using Basketball.Shards.Entities;
using Basketball.Shards.Hosting;

namespace Basketball.Cluster.Http;

public static class QueryEndpoints
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);
    private const int DefaultLeaders = 10;

    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/games/{gameId}", async (string gameId, IRequiredActor<GameRegion> games, CancellationToken ct) =>
        {
            if (InvalidId("game", gameId) is { } invalid)
                return invalid;
            var reply = await games.ActorRef.Ask<GameReply>(new GetGame(gameId), AskTimeout, ct);
            return reply.Game is null ? NotFound("game", gameId) : Results.Ok(reply.Game);
        });

        app.MapGet("/api/games/{gameId}/plays", async (string gameId, IRequiredActor<GameRegion> games, CancellationToken ct) =>
        {
            if (InvalidId("game", gameId) is { } invalid)
                return invalid;
            var reply = await games.ActorRef.Ask<GamePlaysReply>(new GetGamePlays(gameId), AskTimeout, ct);
            return reply.Plays is null ? NotFound("game", gameId) : Results.Ok(reply.Plays);
        });

        app.MapGet("/api/players/{playerId}", async (string playerId, IRequiredActor<PlayerRegion> players, CancellationToken ct) =>
        {
            if (InvalidId("player", playerId) is { } invalid)
                return invalid;
            var reply = await players.ActorRef.Ask<PlayerReply>(new GetPlayer(playerId), AskTimeout, ct);
            return reply.Player is null ? NotFound("player", playerId) : Results.Ok(reply.Player);
        });

        app.MapGet("/api/standings", async (LeagueStore league, CancellationToken ct) => Results.Ok(await league.StandingsAsync(ct)));
        app.MapGet("/api/leaders", async (string? limit, LeagueStore league, CancellationToken ct) =>
            QueryLimit.TryRead(limit, DefaultLeaders, out var count) ?? Results.Ok(await league.LeadersAsync(count, ct)))
            .WithSummary($"The top scorers; limit 1..{QueryLimit.Max} (default {DefaultLeaders}), else 400 invalid_limit");

        return app;
    }

    public static IResult NotFound(string kind, string id) =>
        Results.NotFound(new ErrorBody("not_found", $"no {kind} '{id}': it has no events"));

    /// <summary>
    /// 400 for an id no event can have (SPEC §2: 1..128 characters, none of the characters ids refuse), before it reaches
    /// sharding: a query starts the entity, so an id that can never exist would only cost a journal read.
    /// </summary>
    private static IResult? InvalidId(string kind, string id) =>
        EventParser.IdProblem(id) is { } problem
            ? Results.BadRequest(new ErrorBody("invalid_id", $"'{QueryLimit.Quote(id)}' cannot be a {kind} id: {problem}"))
            : null;
}

/// <summary>The JSON body of every HTTP error.</summary>
public sealed record ErrorBody(string Error, string Message);
