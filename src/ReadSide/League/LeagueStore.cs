// The league read side (SPEC §5): tables built from the journal's `game` and `player-line` tags, each batch
// applied together with its journal offset in one transaction, so a restart resumes exactly where it was.
using System.Data.Common;
using System.Diagnostics;
using Basketball.Domain.Events;
using Basketball.Domain.Games;
using Basketball.Domain.Players;
using Basketball.ReadSide.Fencing;
using Basketball.Storage;

namespace Basketball.ReadSide.League;

public sealed record Standing(string TeamId, int Wins, int Losses, int PointsFor, int PointsAgainst);

public sealed record Leader(string PlayerId, string TeamId, int Points, int GamesPlayed, double PointsPerGame);

public sealed class LeagueStore(DatabaseTarget database)
{
    public const string GamesReader = "league-games";
    public const string PlayersReader = "league-players";

    private readonly SqlDialect _dialect = SqlDialect.For(database.Kind);
    private int _initialized;

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _initialized) == 1)
            return;
        await database.WithCommandAsync(ensureSchema: null, command =>
        {
            command.CommandText = """
                CREATE TABLE IF NOT EXISTS league_games (
                  game_id TEXT PRIMARY KEY, home_team TEXT NOT NULL, away_team TEXT NOT NULL,
                  home_points INTEGER NOT NULL, away_points INTEGER NOT NULL, status TEXT NOT NULL);
                CREATE TABLE IF NOT EXISTS league_plays (
                  event_id TEXT PRIMARY KEY, game_id TEXT NOT NULL, team_id TEXT NOT NULL, points INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS league_player_games (
                  player_id TEXT NOT NULL, game_id TEXT NOT NULL, team_id TEXT NOT NULL, points INTEGER NOT NULL,
                  made_shots INTEGER NOT NULL, update_seq BIGINT NOT NULL, journal_offset BIGINT NOT NULL,
                  PRIMARY KEY (player_id, game_id));
                CREATE TABLE IF NOT EXISTS read_offsets (name TEXT PRIMARY KEY, journal_offset BIGINT NOT NULL);
                """;
            return command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
        Volatile.Write(ref _initialized, 1);
    }

    public Task<long> OffsetAsync(string reader, CancellationToken cancellationToken = default) =>
        database.WithCommandAsync(InitializeAsync, async command =>
        {
            command.CommandText = "SELECT journal_offset FROM read_offsets WHERE name = @name";
            _dialect.AddParameter(command, "@name", reader);
            var value = await command.ExecuteScalarAsync(cancellationToken);
            return value is null or DBNull ? 0 : Convert.ToInt64(value);
        }, cancellationToken);

    /// <summary>Applies Game journal events (in journal order) and the reader's new offset in one transaction.</summary>
    /// <param name="fence">When given, nothing is applied unless the projector's lease is current.</param>
    public async Task ApplyGamesAsync(IReadOnlyList<GameEventApplied> events, long offset, FenceCheck? fence = null, CancellationToken cancellationToken = default)
    {
        var startedAt = Stopwatch.GetTimestamp();
        await database.InTransactionAsync(InitializeAsync, async (connection, transaction) =>
        {
            if (fence is not null)
                await fence.RunAsync(connection, transaction, cancellationToken);
            await using var statements = new Statements(connection, transaction, _dialect);
            foreach (var applied in events)
            {
                var evt = applied.Event;
                switch (evt.Data)
                {
                    case GameScheduled s:
                        await statements.ExecuteAsync("""
                            INSERT INTO league_games (game_id, home_team, away_team, home_points, away_points, status)
                            VALUES (@game, @home, @away, 0, 0, 'Scheduled') ON CONFLICT (game_id) DO NOTHING
                            """, cancellationToken, ("@game", s.GameId), ("@home", s.HomeTeamId), ("@away", s.AwayTeamId));
                        break;
                    case GameStarted s:
                        await statements.ExecuteAsync("""
                            INSERT INTO league_games (game_id, home_team, away_team, home_points, away_points, status)
                            VALUES (@game, @home, @away, 0, 0, 'InProgress') ON CONFLICT (game_id) DO UPDATE SET status = 'InProgress'
                            """, cancellationToken, ("@game", s.GameId), ("@home", s.HomeTeamId), ("@away", s.AwayTeamId));
                        break;
                    case ScoreRecorded s:
                        // The points count only when the play is new: an event applied a second time (a projector that
                        // took over from one still running, a split brain's two singletons) changes nothing.
                        var inserted = await statements.ExecuteAsync("""
                            INSERT INTO league_plays (event_id, game_id, team_id, points) VALUES (@event, @game, @team, @points)
                            ON CONFLICT (event_id) DO NOTHING
                            """, cancellationToken, ("@event", evt.EventId), ("@game", s.GameId), ("@team", s.TeamId), ("@points", s.Points));
                        if (inserted > 0)
                            await AddPointsAsync(statements, s.GameId, s.TeamId, s.Points, cancellationToken);
                        break;
                    case ScoreCorrected c:
                        var play = await CorrectedPlayAsync(connection, transaction, c.CorrectedEventId, cancellationToken);
                        // The play stays as a tombstone with 0 points (no score is worth 0), so that its ScoreRecorded applied
                        // again later (a lagging projector) finds the row and adds nothing. The points are taken back only
                        // by the transaction that zeroed them (idempotent, as above).
                        if (play is { Points: > 0 } && await statements.ExecuteAsync(
                                "UPDATE league_plays SET points = 0 WHERE event_id = @event AND points = @points",
                                cancellationToken, ("@event", c.CorrectedEventId), ("@points", play.Value.Points)) > 0)
                        {
                            await AddPointsAsync(statements, c.GameId, play.Value.Team, -play.Value.Points, cancellationToken);
                        }
                        break;
                    case GameStatusChanged s:
                        await SetStatusAsync(statements, s.GameId, s.ToStatus.ToString(), cancellationToken);
                        break;
                    case GameCompleted s:
                        await SetStatusAsync(statements, s.GameId, nameof(GameStatus.Completed), cancellationToken);
                        break;
                }
            }
            await SaveOffsetAsync(connection, transaction, GamesReader, offset, cancellationToken);
        }, cancellationToken);
        LeagueMetrics.Written(GamesReader, startedAt);
    }

    /// <summary>Applies player lines (a newer update of a game replaces the older) and the reader's offset in one transaction.</summary>
    /// <param name="fence">When given, nothing is applied unless the projector's lease is current.</param>
    public async Task ApplyPlayerLinesAsync(IReadOnlyList<(PlayerGameLine Line, long Offset)> lines, long offset, FenceCheck? fence = null,
        CancellationToken cancellationToken = default)
    {
        var startedAt = Stopwatch.GetTimestamp();
        // A newer line of a (player, game) replaces the older, so only the newest of each in this batch is written:
        // the same rows as applying them one by one, with one statement per line kept instead of per line read.
        var newest = new Dictionary<(string Player, string Game), (PlayerGameLine Line, long Offset)>();
        foreach (var (line, at) in lines)
        {
            if (!newest.TryGetValue((line.PlayerId, line.GameId), out var kept) || kept.Line.UpdateSeq < line.UpdateSeq)
                newest[(line.PlayerId, line.GameId)] = (line, at);
        }
        await database.InTransactionAsync(InitializeAsync, async (connection, transaction) =>
        {
            if (fence is not null)
                await fence.RunAsync(connection, transaction, cancellationToken);
            await using var statements = new Statements(connection, transaction, _dialect);
            foreach (var (line, at) in newest.Values)
            {
                await statements.ExecuteAsync("""
                    INSERT INTO league_player_games (player_id, game_id, team_id, points, made_shots, update_seq, journal_offset)
                    VALUES (@player, @game, @team, @points, @made, @seq, @offset)
                    ON CONFLICT (player_id, game_id) DO UPDATE SET team_id = excluded.team_id, points = excluded.points,
                      made_shots = excluded.made_shots, update_seq = excluded.update_seq, journal_offset = excluded.journal_offset
                    WHERE league_player_games.update_seq < excluded.update_seq
                    """, cancellationToken, ("@player", line.PlayerId), ("@game", line.GameId), ("@team", line.TeamId), ("@points", line.Points),
                    ("@made", line.FreeThrows + line.FieldGoals + line.ThreePointers), ("@seq", line.UpdateSeq), ("@offset", at));
            }
            await SaveOffsetAsync(connection, transaction, PlayersReader, offset, cancellationToken);
        }, cancellationToken);
        LeagueMetrics.Written(PlayersReader, startedAt);
    }

    /// <summary>Empties the league tables and forgets the readers' offsets (one transaction): the rebuild starts from zero.</summary>
    public Task ResetAsync(CancellationToken cancellationToken = default) =>
        database.InTransactionAsync(InitializeAsync, (connection, transaction) =>
            ExecuteAsync(connection, transaction, """
                DELETE FROM league_games;
                DELETE FROM league_plays;
                DELETE FROM league_player_games;
                DELETE FROM read_offsets WHERE name = @games OR name = @players;
                """, cancellationToken, ("@games", GamesReader), ("@players", PlayersReader)),
            cancellationToken);

    /// <summary>Per team, from completed games: wins, losses, points for and against.</summary>
    public Task<IReadOnlyList<Standing>> StandingsAsync(CancellationToken cancellationToken = default) =>
        database.WithCommandAsync<IReadOnlyList<Standing>>(InitializeAsync, async command =>
        {
            command.CommandText = """
                SELECT team, SUM(CASE WHEN pf > pa THEN 1 ELSE 0 END), SUM(CASE WHEN pf < pa THEN 1 ELSE 0 END), SUM(pf), SUM(pa) FROM (
                  SELECT home_team AS team, home_points AS pf, away_points AS pa FROM league_games WHERE status = 'Completed'
                  UNION ALL
                  SELECT away_team, away_points, home_points FROM league_games WHERE status = 'Completed') AS results
                GROUP BY team
                """;
            var standings = new List<Standing>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                standings.Add(new Standing(reader.GetString(0), Convert.ToInt32(reader.GetValue(1)), Convert.ToInt32(reader.GetValue(2)),
                    Convert.ToInt32(reader.GetValue(3)), Convert.ToInt32(reader.GetValue(4))));
            return standings
                .OrderByDescending(s => s.Wins).ThenBy(s => s.Losses).ThenByDescending(s => s.PointsFor - s.PointsAgainst)
                .ThenBy(s => s.TeamId, StringComparer.Ordinal)
                .ToList();
        }, cancellationToken);

    /// <summary>Top scorers by career points; gamesPlayed counts games with at least one made shot.</summary>
    public Task<IReadOnlyList<Leader>> LeadersAsync(int limit, CancellationToken cancellationToken = default) =>
        database.WithCommandAsync<IReadOnlyList<Leader>>(InitializeAsync, async command =>
        {
            command.CommandText = """
                SELECT g.player_id, SUM(g.points), SUM(CASE WHEN g.made_shots > 0 THEN 1 ELSE 0 END),
                       (SELECT l.team_id FROM league_player_games l WHERE l.player_id = g.player_id ORDER BY l.journal_offset DESC LIMIT 1)
                FROM league_player_games g
                GROUP BY g.player_id
                ORDER BY SUM(g.points) DESC, g.player_id
                LIMIT @limit
                """;
            _dialect.AddParameter(command, "@limit", Math.Clamp(limit, 1, 1000));
            var leaders = new List<Leader>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var points = Convert.ToInt32(reader.GetValue(1));
                var games = Convert.ToInt32(reader.GetValue(2));
                leaders.Add(new Leader(reader.GetString(0), reader.GetString(3), points, games,
                    games == 0 ? 0 : Math.Round((double)points / games, 2, MidpointRounding.AwayFromZero)));
            }
            return leaders;
        }, cancellationToken);

    private static Task<int> AddPointsAsync(Statements statements, string gameId, string teamId, int points, CancellationToken cancellationToken) =>
        statements.ExecuteAsync("""
            UPDATE league_games SET
              home_points = home_points + CASE WHEN home_team = @team THEN @points ELSE 0 END,
              away_points = away_points + CASE WHEN away_team = @team THEN @points ELSE 0 END
            WHERE game_id = @game
            """, cancellationToken, ("@game", gameId), ("@team", teamId), ("@points", points));

    private static Task<int> SetStatusAsync(Statements statements, string gameId, string status, CancellationToken cancellationToken) =>
        statements.ExecuteAsync("UPDATE league_games SET status = @status WHERE game_id = @game", cancellationToken,
            ("@game", gameId), ("@status", status));

    private async Task<(string Team, int Points)?> CorrectedPlayAsync(DbConnection connection, DbTransaction transaction, string eventId,
        CancellationToken cancellationToken)
    {
        await using var command = DatabaseTarget.CreateCommand(connection, transaction);
        command.CommandText = "SELECT team_id, points FROM league_plays WHERE event_id = @event";
        _dialect.AddParameter(command, "@event", eventId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), Convert.ToInt32(reader.GetValue(1))) : null;
    }

    private Task SaveOffsetAsync(DbConnection connection, DbTransaction transaction, string reader, long offset, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, transaction, """
            INSERT INTO read_offsets (name, journal_offset) VALUES (@name, @offset)
            ON CONFLICT (name) DO UPDATE SET journal_offset = excluded.journal_offset
            WHERE read_offsets.journal_offset < excluded.journal_offset
            """, cancellationToken, ("@name", reader), ("@offset", offset));

    /// <returns>The rows the statement changed.</returns>
    private async Task<int> ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = DatabaseTarget.CreateCommand(connection, transaction);
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            _dialect.AddParameter(command, name, value);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// One command per statement text for the length of a transaction, its parameters set anew for each row: the
    /// database parses each statement once per batch instead of once per row (SQLite keeps a command's prepared
    /// statement while its text is unchanged).
    /// </summary>
    private sealed class Statements(DbConnection connection, DbTransaction transaction, SqlDialect dialect) : IAsyncDisposable
    {
        private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

        /// <returns>The rows the statement changed.</returns>
        public Task<int> ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
        {
            if (_commands.TryGetValue(sql, out var command))
            {
                foreach (var (name, value) in parameters)
                    dialect.SetValue(command.Parameters[name], value);
            }
            else
            {
                command = DatabaseTarget.CreateCommand(connection, transaction);
                command.CommandText = sql;
                foreach (var (name, value) in parameters)
                    dialect.AddParameter(command, name, value);
                _commands[sql] = command;
            }
            return command.ExecuteNonQueryAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in _commands.Values)
                await command.DisposeAsync();
        }
    }
}
