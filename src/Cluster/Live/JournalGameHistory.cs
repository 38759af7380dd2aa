// The live game feed's look at the journal table itself (the plugin's `table-mapping = default` columns, as the
// replay reads them): where it ends, which games changed last, and one game replayed from its rows.
using Basketball.Domain.Games;
using Basketball.ReadSide.Live;
using Basketball.Replay;
using Basketball.Storage;

namespace Basketball.Cluster.Live;

public sealed class JournalGameHistory(JournalReplay replay, DatabaseTarget database) : IGameHistory
{
    private readonly SqlDialect _dialect = SqlDialect.For(database.Kind);

    public Task<long> JournalEndAsync(CancellationToken cancellationToken) =>
        database.RunAsync(() => database.WithCommandAsync(null, async command =>
        {
            if (!await JournalExistsAsync(command, cancellationToken))
                return 0L;
            command.CommandText = $"SELECT COALESCE(MAX(ordering), 0) FROM {replay.JournalTable}";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
        }, cancellationToken));

    public Task<IReadOnlyList<(string GameId, long Offset)>> RecentGamesAsync(int limit, CancellationToken cancellationToken) =>
        database.RunAsync(() => database.WithCommandAsync<IReadOnlyList<(string, long)>>(null, async command =>
        {
            if (!await JournalExistsAsync(command, cancellationToken))
                return [];
            // Once per feed start: a scan of the journal, grouped by entity.
            command.CommandText = $"""
                SELECT persistence_id, MAX(ordering) FROM {replay.JournalTable}
                 WHERE persistence_id LIKE 'game-%' GROUP BY persistence_id ORDER BY 2 DESC LIMIT @limit
                """;
            _dialect.AddParameter(command, "@limit", limit);
            var games = new List<(string, long)>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                games.Add((reader.GetString(0)["game-".Length..], Convert.ToInt64(reader.GetValue(1))));
            return games;
        }, cancellationToken));

    public Task<(GameState State, long Version)?> ReplayAsync(string gameId, long? toSequenceNr, CancellationToken cancellationToken) =>
        replay.ReplayGameStateAsync(gameId, toSequenceNr, cancellationToken);

    /// <summary>The plugin creates its table on its first use: a node nobody wrote to has none yet.</summary>
    private async Task<bool> JournalExistsAsync(System.Data.Common.DbCommand command, CancellationToken cancellationToken)
    {
        command.CommandText = database.Kind == DatabaseKind.Sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @table";
        _dialect.AddParameter(command, "@table", replay.JournalTable);
        var exists = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken)) > 0;
        command.Parameters.Clear();
        return exists;
    }
}
