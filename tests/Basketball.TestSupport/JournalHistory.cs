// Reads every Game and Player journal of a PostgreSQL database and says what breaks "one history per entity": a gap
// or a repeat in its sequence numbers, an event id in two of its rows, a player line persisted again without a newer
// update number. Two writers of one entity (a split brain, a node that thawed after it was downed) would show here.
using System.Text.Json;
using Npgsql;

namespace Basketball.TestSupport;

public static class JournalHistory
{
    /// <summary>Every problem found (empty when each entity's journal is one history), and how many rows were read.</summary>
    public static async Task<(IReadOnlyList<string> Problems, int Rows)> CheckAsync(string connectionString)
    {
        var problems = new List<string>();
        var rows = await RowsAsync(connectionString);
        foreach (var entity in rows.GroupBy(r => r.PersistenceId))
        {
            var ordered = entity.OrderBy(r => r.Seq).ToList();
            if (!ordered.Select(r => r.Seq).SequenceEqual(Enumerable.Range(1, ordered.Count).Select(i => (long)i)))
                problems.Add($"{entity.Key}: sequence numbers {string.Join(",", ordered.Select(r => r.Seq))}");
            var events = new Dictionary<string, long>();
            var lines = new Dictionary<string, long>();
            foreach (var row in ordered)
            {
                using var document = JsonDocument.Parse(row.Body);
                foreach (var (eventId, game, update) in Contents(document.RootElement))
                {
                    if (eventId is not null && !events.TryAdd(eventId, row.Seq))
                        problems.Add($"{entity.Key}: event {eventId} in rows {events[eventId]} and {row.Seq}");
                    if (game is null)
                        continue;
                    if (lines.TryGetValue(game, out var before) && update <= before)
                        problems.Add($"{entity.Key}: line of {game} with update {update} after {before} (row {row.Seq})");
                    lines[game] = Math.Max(update, before);
                }
            }
        }
        return (problems, rows.Count);
    }

    /// <summary>The game and player rows (the sharding's remember-entities rows are Akka's own binary format).</summary>
    public static async Task<List<(string PersistenceId, long Seq, string Body)>> RowsAsync(string connectionString, string? persistenceId = null)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT persistence_id, sequence_number, convert_from(message, 'UTF8') FROM journal
             WHERE (persistence_id LIKE 'game-%' OR persistence_id LIKE 'player-%') AND (@p::text IS NULL OR persistence_id = @p::text)
            """, connection);
        command.Parameters.AddWithValue("p", (object?)persistenceId ?? DBNull.Value);
        var rows = new List<(string, long, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
        return rows;
    }

    /// <summary>Whether the journal has its unique index on (persistence_id, sequence_number): what keeps one history.</summary>
    public static async Task<bool> HasUniqueSequenceNumbersAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT count(*) FROM pg_indexes
             WHERE tablename = 'journal' AND indexdef LIKE 'CREATE UNIQUE INDEX%(persistence_id, sequence_number)'
            """, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync()) == 1;
    }

    // Every event of a row (applied or rejected: an object with an eventId) and every player line (gameId + updateSeq).
    // Milestones name their events as triggeredByEventId only, and are skipped.
    private static IEnumerable<(string? EventId, string? Game, long Update)> Contents(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray().SelectMany(Contents))
                yield return item;
            yield break;
        }
        if (element.ValueKind != JsonValueKind.Object)
            yield break;
        if (element.TryGetProperty("eventId", out var id))
            yield return (id.GetString(), null, 0);
        else if (element.TryGetProperty("updateSeq", out var update) && element.TryGetProperty("gameId", out var game))
            yield return (null, game.GetString(), update.GetInt64());
        else
            foreach (var property in element.EnumerateObject().Where(p => p.Name != "milestones"))
                foreach (var item in Contents(property.Value))
                    yield return item;
    }
}
