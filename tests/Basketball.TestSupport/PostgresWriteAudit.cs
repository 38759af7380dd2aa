// Every row written to chosen PostgreSQL tables, recorded by a trigger with the writer's application name (NodeCluster
// names each node's connections): what a test asks to prove that a stale node's write did not land, or which did.
using System.Text.Json;
using Npgsql;

namespace Basketball.TestSupport;

/// <param name="Id">Increasing in commit order within a table's row locks; compare with <see cref="PostgresWriteAudit.MarkAsync"/>.</param>
/// <param name="Application">The writer's application name (<see cref="NodeCluster.ApplicationName"/>).</param>
/// <param name="Row">The row as written (to_jsonb of the new row, a journal row's payload left out).</param>
public sealed record AuditedWrite(long Id, DateTime At, string Application, string Table, JsonElement Row)
{
    public string Text(string column) => Row.GetProperty(column).ToString();
}

public sealed class PostgresWriteAudit
{
    private const string AuditTable = "test_write_audit";

    private readonly string _connectionString;

    private PostgresWriteAudit(string connectionString) => _connectionString = connectionString;

    /// <summary>
    /// Adds an audit trigger to each of <paramref name="tables"/> (they must exist: the nodes create theirs on first use).
    /// Only writes that land are recorded: a statement whose WHERE matched no row (a fenced checkpoint) fires nothing,
    /// and the rows of a transaction that rolled back (a unique violation in the journal) go with it.
    /// </summary>
    public static async Task<PostgresWriteAudit> InstallAsync(string connectionString, params string[] tables)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = $"""
                CREATE TABLE IF NOT EXISTS {AuditTable} (
                  id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
                  application TEXT NOT NULL DEFAULT current_setting('application_name'), table_name TEXT NOT NULL, row_data JSONB NOT NULL);
                CREATE OR REPLACE FUNCTION test_audit_write() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  INSERT INTO {AuditTable} (table_name, row_data) VALUES (TG_TABLE_NAME, to_jsonb(NEW) - 'message');
                  RETURN NEW;
                END $$;
                """;
            await command.ExecuteNonQueryAsync();
        }
        // One table per statement (each its own transaction): the nodes write while the triggers are added. A node's
        // transaction queued behind the trigger's table lock can still close a cycle with one the trigger waits for;
        // PostgreSQL then cancels one of them, and if it is ours we add the trigger again.
        foreach (var table in tables)
        {
            for (var attempt = 1; ; attempt++)
            {
                await using var command = connection.CreateCommand();
                // Table names cannot be parameters; these come from the test's own constants.
                command.CommandText = $"CREATE OR REPLACE TRIGGER test_audit AFTER INSERT OR UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION test_audit_write()";
                try
                {
                    await command.ExecuteNonQueryAsync();
                    break;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < 5)
                {
                }
            }
        }
        return new PostgresWriteAudit(connectionString);
    }

    /// <summary>The newest audit id so far: writes after this moment have higher ids.</summary>
    public async Task<long> MarkAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(MAX(id), 0) FROM {AuditTable}";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    /// <summary>The writes recorded after <paramref name="after"/>, oldest first; of one table when <paramref name="table"/> is given.</summary>
    public async Task<IReadOnlyList<AuditedWrite>> WritesAsync(long after = 0, string? table = null)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT id, at, application, table_name, row_data::text FROM {AuditTable}
             WHERE id > @after AND (@table::text IS NULL OR table_name = @table::text) ORDER BY id
            """;
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("table", (object?)table ?? DBNull.Value);
        var writes = new List<AuditedWrite>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            writes.Add(new AuditedWrite(reader.GetInt64(0), reader.GetDateTime(1), reader.GetString(2), reader.GetString(3),
                JsonDocument.Parse(reader.GetString(4)).RootElement.Clone()));
        return writes;
    }
}
