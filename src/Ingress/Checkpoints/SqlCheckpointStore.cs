// ICheckpointStore on SQLite or PostgreSQL with plain ADO.NET. Every write is one conditional statement, so
// fencing (owner + epoch) and "never backwards" hold even when two nodes race for a shard.
using System.Data;
using System.Data.Common;
using Basketball.Storage;

namespace Basketball.Ingress.Checkpoints;

public sealed class SqlCheckpointStore : ICheckpointStore
{
    public const string TableName = "kinesis_checkpoints";

    private readonly DatabaseTarget _database;
    private readonly SqlDialect _dialect;
    private readonly SchemaGate _schema;
    private readonly TimeProvider _clock;

    public SqlCheckpointStore(DatabaseTarget database, TimeProvider? clock = null)
    {
        _database = database;
        _dialect = SqlDialect.For(database.Kind);
        _clock = clock ?? TimeProvider.System;
        _schema = new SchemaGate(CreateSchemaAsync);
    }

    /// <summary>Creates the table if it is missing. Called by every operation anyway; call it at start-up to fail early.</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        _database.RunAsync(() => _schema.EnsureAsync(cancellationToken));

    public Task<ShardLease> AcquireAsync(string stream, string shardId, string owner, long? expectedEpoch = null,
        CancellationToken cancellationToken = default) =>
        _database.RunAsync(() => AcquireCoreAsync(stream, shardId, owner, expectedEpoch, cancellationToken));

    private async Task<ShardLease> AcquireCoreAsync(string stream, string shardId, string owner, long? expectedEpoch, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentException.ThrowIfNullOrEmpty(shardId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return await _database.WithCommandAsync(_schema.EnsureAsync, async command =>
        {
            // One atomic upsert: whoever runs it last holds the highest epoch, and every write under an older epoch fails.
            // With an expected epoch it takes the row only if nobody took it since the caller looked (compare-and-set).
            command.CommandText = $"""
                INSERT INTO {TableName} (stream, shard_id, shard_end, owner, epoch, updated_at)
                VALUES (@stream, @shard_id, {_dialect.False}, @owner, 1, @now)
                ON CONFLICT (stream, shard_id) DO UPDATE
                   SET owner = excluded.owner, epoch = {TableName}.epoch + 1, updated_at = excluded.updated_at
                 WHERE @expected_epoch IS NULL OR {TableName}.epoch = @expected_epoch
                RETURNING epoch, sequence_number, shard_end, start_position
                """;
            AddText(command, "stream", stream);
            AddText(command, "shard_id", shardId);
            AddText(command, "owner", owner);
            _dialect.AddParameter(command, "now", _clock.GetUtcNow());
            _dialect.AddParameter(command, "expected_epoch", expectedEpoch).DbType = DbType.Int64;

            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                throw expectedEpoch is null
                    ? new InvalidOperationException($"Acquiring {stream}/{shardId} returned no row.")
                    : new ShardLeaseHeldException(stream, shardId, $"another reader took it after epoch {expectedEpoch}");
            return new ShardLease(
                stream,
                shardId,
                owner,
                reader.GetInt64(0),
                SqlDialect.ReadNullableString(reader, 1),
                _dialect.ReadBoolean(reader, 2),
                ReadStartPosition(reader, 3));
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveAsync(ShardLease lease, string? sequenceNumber, bool shardEnd, CancellationToken cancellationToken = default)
    {
        var fenced = await SaveManyAsync([new CheckpointWrite(lease, sequenceNumber, shardEnd)], cancellationToken).ConfigureAwait(false);
        if (fenced.Count > 0)
            throw new CheckpointFencedException(lease);
    }

    public Task<IReadOnlyList<ShardLease>> SaveManyAsync(IReadOnlyList<CheckpointWrite> writes, CancellationToken cancellationToken = default) =>
        _database.RunAsync(() => SaveManyCoreAsync(writes, cancellationToken));

    private async Task<IReadOnlyList<ShardLease>> SaveManyCoreAsync(IReadOnlyList<CheckpointWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0)
            return [];
        foreach (var write in writes)
            if (write.SequenceNumber is not null)
                KinesisSequence.Validate(write.SequenceNumber, nameof(writes));
        return await _database.InTransactionAsync(_schema.EnsureAsync, async (connection, transaction) =>
        {
            await using var command = DatabaseTarget.CreateCommand(connection, transaction);
            // Never backwards: sequence_key is the sequence number zero-padded to the widest Kinesis sequence number
            // (129 digits), so byte-wise text order is numeric order and the database compares within this one
            // UPDATE; no read-then-write race, no lock held across a round trip. sequence_number keeps Kinesis's
            // spelling for people and for AFTER_SEQUENCE_NUMBER. The shard-end marker is sticky until a reset.
            // Zero rows updated = the row's owner or epoch changed = fenced.
            command.CommandText = $"""
                UPDATE {TableName}
                   SET sequence_number = CASE WHEN @sequence_key IS NOT NULL AND (sequence_key IS NULL OR sequence_key < @sequence_key)
                                              THEN @sequence_number ELSE sequence_number END,
                       sequence_key    = CASE WHEN @sequence_key IS NOT NULL AND (sequence_key IS NULL OR sequence_key < @sequence_key)
                                              THEN @sequence_key ELSE sequence_key END,
                       shard_end = (shard_end OR @shard_end),
                       updated_at = @now
                 WHERE stream = @stream AND shard_id = @shard_id AND owner = @owner AND epoch = @epoch
                """;
            var stream = AddText(command, "stream", null);
            var shardId = AddText(command, "shard_id", null);
            var owner = AddText(command, "owner", null);
            var epoch = _dialect.AddParameter(command, "epoch", 0L);
            epoch.DbType = DbType.Int64;
            var sequenceNumber = AddText(command, "sequence_number", null);
            var sequenceKey = AddText(command, "sequence_key", null);
            var shardEnd = _dialect.AddParameter(command, "shard_end", false);
            _dialect.AddParameter(command, "now", _clock.GetUtcNow());

            var fenced = new List<ShardLease>();
            // One lock order for every batch: two nodes saving overlapping shards (during a hand-over) then wait for
            // each other instead of deadlocking.
            foreach (var write in writes.OrderBy(w => w.Lease.Stream, StringComparer.Ordinal).ThenBy(w => w.Lease.ShardId, StringComparer.Ordinal))
            {
                stream.Value = write.Lease.Stream;
                shardId.Value = write.Lease.ShardId;
                owner.Value = write.Lease.Owner;
                epoch.Value = write.Lease.Epoch;
                _dialect.SetValue(sequenceNumber, write.SequenceNumber);
                _dialect.SetValue(sequenceKey, write.SequenceNumber is null ? null : KinesisSequence.ToSortKey(write.SequenceNumber));
                _dialect.SetValue(shardEnd, write.ShardEnd);
                var updated = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (updated == 0)
                    fenced.Add(write.Lease);
            }
            return fenced;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ShardCheckpoint?> GetAsync(string stream, string shardId, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync("WHERE stream = @stream AND shard_id = @shard_id", stream, shardId, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    public Task<IReadOnlyList<ShardCheckpoint>> ListAsync(string stream, CancellationToken cancellationToken = default) =>
        QueryAsync("WHERE stream = @stream ORDER BY shard_id", stream, shardId: null, cancellationToken);

    public Task ResetAsync(string stream, string shardId, ShardStartPosition position, CancellationToken cancellationToken = default) =>
        _database.RunAsync(() => ResetCoreAsync(stream, shardId, position, cancellationToken));

    private async Task ResetCoreAsync(string stream, string shardId, ShardStartPosition position, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        ArgumentException.ThrowIfNullOrEmpty(shardId);
        ArgumentNullException.ThrowIfNull(position);
        await _database.WithCommandAsync(_schema.EnsureAsync, command =>
        {
            // The epoch moves too: the reader holding the shard is fenced on its next save and stops, so it cannot
            // write its old position over the reset; the next acquire starts from the requested position.
            command.CommandText = $"""
                INSERT INTO {TableName} (stream, shard_id, shard_end, start_position, owner, epoch, updated_at)
                VALUES (@stream, @shard_id, {_dialect.False}, @start_position, NULL, 1, @now)
                ON CONFLICT (stream, shard_id) DO UPDATE
                   SET sequence_number = NULL, sequence_key = NULL, shard_end = {_dialect.False},
                       start_position = excluded.start_position, owner = NULL,
                       epoch = {TableName}.epoch + 1, updated_at = excluded.updated_at
                """;
            AddText(command, "stream", stream);
            AddText(command, "shard_id", shardId);
            AddText(command, "start_position", position.ToString());
            _dialect.AddParameter(command, "now", _clock.GetUtcNow());
            return command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task ReleaseAsync(ShardLease lease, CancellationToken cancellationToken = default) =>
        _database.RunAsync(() => ReleaseCoreAsync(lease, cancellationToken));

    private async Task ReleaseCoreAsync(ShardLease lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        await _database.WithCommandAsync(_schema.EnsureAsync, command =>
        {
            // The epoch stays: the next acquire increments it anyway. A stale lease matches no row and releases nothing.
            command.CommandText = $"""
                UPDATE {TableName} SET owner = NULL, updated_at = @now
                 WHERE stream = @stream AND shard_id = @shard_id AND owner = @owner AND epoch = @epoch
                """;
            AddText(command, "stream", lease.Stream);
            AddText(command, "shard_id", lease.ShardId);
            AddText(command, "owner", lease.Owner);
            _dialect.AddParameter(command, "epoch", lease.Epoch);
            _dialect.AddParameter(command, "now", _clock.GetUtcNow());
            return command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task<IReadOnlyList<ShardCheckpoint>> QueryAsync(string where, string stream, string? shardId, CancellationToken cancellationToken) =>
        _database.RunAsync(() => QueryCoreAsync(where, stream, shardId, cancellationToken));

    private async Task<IReadOnlyList<ShardCheckpoint>> QueryCoreAsync(string where, string stream, string? shardId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(stream);
        return await _database.WithCommandAsync(_schema.EnsureAsync, async command =>
        {
            command.CommandText = $"""
                SELECT stream, shard_id, sequence_number, shard_end, start_position, owner, epoch, updated_at
                  FROM {TableName} {where}
                """;
            AddText(command, "stream", stream);
            if (shardId is not null)
                AddText(command, "shard_id", shardId);

            var rows = new List<ShardCheckpoint>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new ShardCheckpoint(
                    reader.GetString(0),
                    reader.GetString(1),
                    SqlDialect.ReadNullableString(reader, 2),
                    _dialect.ReadBoolean(reader, 3),
                    ReadStartPosition(reader, 4),
                    SqlDialect.ReadNullableString(reader, 5),
                    reader.GetInt64(6),
                    _dialect.ReadTimestamp(reader, 7)));
            }
            return rows;
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task CreateSchemaAsync(CancellationToken cancellationToken) =>
        _database.WithCommandAsync(ensureSchema: null, command =>
        {
            command.CommandText = $"""
                CREATE TABLE IF NOT EXISTS {TableName} (
                    stream          TEXT NOT NULL,
                    shard_id        TEXT NOT NULL,
                    sequence_number TEXT NULL,
                    sequence_key    {_dialect.BinaryText} NULL,
                    shard_end       {_dialect.BooleanType} NOT NULL DEFAULT {_dialect.False},
                    start_position  TEXT NULL,
                    owner           TEXT NULL,
                    epoch           BIGINT NOT NULL DEFAULT 0,
                    updated_at      {_dialect.TimestampType} NOT NULL,
                    PRIMARY KEY (stream, shard_id)
                )
                """;
            return command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    // Text parameters are typed explicitly: PostgreSQL cannot infer a type for a NULL in "@p IS NOT NULL".
    private DbParameter AddText(DbCommand command, string name, string? value)
    {
        var parameter = _dialect.AddParameter(command, name, value);
        parameter.DbType = DbType.String;
        return parameter;
    }

    private static ShardStartPosition? ReadStartPosition(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ShardStartPosition.Parse(reader.GetString(ordinal));
}
