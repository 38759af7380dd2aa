// The milestones the publisher has seen, in publication order, plus the journal offset it has reached.
// Any node answers GET /api/milestones and feeds the live stream from this table.
using System.Text.Json;
using Basketball.Domain.Milestones;
using Basketball.ReadSide.Fencing;
using Basketball.Storage;

namespace Basketball.ReadSide.Milestones;

/// <param name="Position">Increasing row number: the live feed asks for rows after the last one it sent.</param>
public sealed record StoredMilestone(long Position, Milestone Milestone);

public sealed class MilestoneStore
{
    public const string TableName = "milestones";
    public const string OffsetTable = "read_offsets";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly DatabaseTarget _database;
    private readonly SqlDialect _dialect;
    private int _initialized;

    public MilestoneStore(DatabaseTarget database)
    {
        _database = database;
        _dialect = SqlDialect.For(database.Kind);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _initialized) == 1)
            return;
        await _database.WithCommandAsync(ensureSchema: null, command =>
        {
            command.CommandText = $"""
                CREATE TABLE IF NOT EXISTS {TableName} (
                  position {_dialect.AutoIncrementPrimaryKey},
                  milestone_id TEXT NOT NULL,
                  revoked {_dialect.BooleanType} NOT NULL,
                  aggregate_id TEXT NOT NULL,
                  body TEXT NOT NULL,
                  UNIQUE (milestone_id, revoked));
                CREATE TABLE IF NOT EXISTS {OffsetTable} (
                  name TEXT PRIMARY KEY,
                  journal_offset BIGINT NOT NULL);
                """;
            return command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
        Volatile.Write(ref _initialized, 1);
    }

    /// <summary>
    /// Stores milestones (a firing and its revocation are two rows; a repeat of either is ignored) and the
    /// reader's journal offset in one transaction; with a <paramref name="fence"/>, only while the reader's lease is current.
    /// </summary>
    public Task AppendAsync(IReadOnlyList<Milestone> milestones, string reader, long offset, FenceCheck? fence = null,
        CancellationToken cancellationToken = default) =>
        _database.InTransactionAsync(InitializeAsync, async (connection, transaction) =>
        {
            if (fence is not null)
                await fence.RunAsync(connection, transaction, cancellationToken);
            await using (var insert = DatabaseTarget.CreateCommand(connection, transaction))
            {
                insert.CommandText = $"""
                    INSERT INTO {TableName} (milestone_id, revoked, aggregate_id, body) VALUES (@id, @revoked, @aggregate, @body)
                    ON CONFLICT (milestone_id, revoked) DO NOTHING
                    """;
                var id = _dialect.AddParameter(insert, "@id", null);
                var revoked = _dialect.AddParameter(insert, "@revoked", false);
                var aggregate = _dialect.AddParameter(insert, "@aggregate", null);
                var body = _dialect.AddParameter(insert, "@body", null);
                foreach (var milestone in milestones)
                {
                    _dialect.SetValue(id, milestone.MilestoneId);
                    _dialect.SetValue(revoked, milestone.Revoked);
                    _dialect.SetValue(aggregate, milestone.AggregateId);
                    _dialect.SetValue(body, JsonSerializer.Serialize(milestone, Json));
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            await using (var save = DatabaseTarget.CreateCommand(connection, transaction))
            {
                save.CommandText = $"""
                    INSERT INTO {OffsetTable} (name, journal_offset) VALUES (@name, @offset)
                    ON CONFLICT (name) DO UPDATE SET journal_offset = excluded.journal_offset
                    """;
                _dialect.AddParameter(save, "@name", reader);
                _dialect.AddParameter(save, "@offset", offset);
                await save.ExecuteNonQueryAsync(cancellationToken);
            }
        }, cancellationToken);

    public Task<long> OffsetAsync(string reader, CancellationToken cancellationToken = default) =>
        _database.WithCommandAsync(InitializeAsync, async command =>
        {
            command.CommandText = $"SELECT journal_offset FROM {OffsetTable} WHERE name = @name";
            _dialect.AddParameter(command, "@name", reader);
            var value = await command.ExecuteScalarAsync(cancellationToken);
            return value is null or DBNull ? 0 : Convert.ToInt64(value);
        }, cancellationToken);

    /// <summary>Newest first.</summary>
    public Task<IReadOnlyList<StoredMilestone>> NewestAsync(int limit, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT position, body FROM {TableName} ORDER BY position DESC LIMIT @limit", limit, null, cancellationToken);

    /// <summary>Oldest first, after <paramref name="position"/> (the live feed).</summary>
    public Task<IReadOnlyList<StoredMilestone>> AfterAsync(long position, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync($"SELECT position, body FROM {TableName} WHERE position > @after ORDER BY position LIMIT @limit", limit, position, cancellationToken);

    /// <summary>
    /// Milestones stored after <paramref name="position"/> (usually <see cref="LastPositionAsync"/>, taken before the
    /// subscriber is told it is connected), oldest first, polling every <paramref name="pollInterval"/> until
    /// cancelled: the live feed of GET /api/milestones/stream and `milestones tail`.
    /// </summary>
    public async IAsyncEnumerable<StoredMilestone> FollowAsync(long position, TimeSpan pollInterval,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var rows = await AfterAsync(position, 500, cancellationToken);
            foreach (var row in rows)
            {
                position = row.Position;
                yield return row;
            }
            if (rows.Count < 500)
                await Task.Delay(pollInterval, cancellationToken);
        }
    }

    public Task<long> LastPositionAsync(CancellationToken cancellationToken = default) =>
        _database.WithCommandAsync(InitializeAsync, async command =>
        {
            command.CommandText = $"SELECT MAX(position) FROM {TableName}";
            var value = await command.ExecuteScalarAsync(cancellationToken);
            return value is null or DBNull ? 0 : Convert.ToInt64(value);
        }, cancellationToken);

    private Task<IReadOnlyList<StoredMilestone>> QueryAsync(string sql, int limit, long? after, CancellationToken cancellationToken) =>
        _database.WithCommandAsync<IReadOnlyList<StoredMilestone>>(InitializeAsync, async command =>
        {
            command.CommandText = sql;
            _dialect.AddParameter(command, "@limit", Math.Clamp(limit, 1, 10_000));
            if (after is not null)
                _dialect.AddParameter(command, "@after", after.Value);
            var result = new List<StoredMilestone>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                result.Add(new StoredMilestone(reader.GetInt64(0), JsonSerializer.Deserialize<Milestone>(reader.GetString(1), Json)!));
            return result;
        }, cancellationToken);
}
