// The dead letter table (SPEC §4.4) on SQLite or PostgreSQL. A record's checkpoint may pass it only once it is
// stored here, so writes are batched (one transaction) and idempotent per (shard, sequence number): storing
// the same Kinesis record again after a crash keeps the first row. A user record of a KPL aggregate is stored with
// sequence_number "<sequence number>/<sub-sequence number>", so several bad user records of one aggregate keep a row
// each under the same unique key, and tables written by earlier builds need no change.
using System.Data;
using System.Data.Common;
using Basketball.Storage;

namespace Basketball.Ingress.DeadLetters;

public sealed class DeadLetterStore : Basketball.Ingress.Consumer.IDeadLetterSink
{
    public const string TableName = "dead_letters";

    private readonly DatabaseTarget _database;
    private readonly SqlDialect _dialect;
    private readonly SchemaGate _schema;

    public DeadLetterStore(DatabaseTarget database)
    {
        _database = database;
        _dialect = SqlDialect.For(database.Kind);
        _schema = new SchemaGate(CreateSchemaAsync);
    }

    /// <summary>Creates the table if it is missing. Called by every operation anyway; call it at start-up to fail early.</summary>
    public Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        _database.RunAsync(() => _schema.EnsureAsync(cancellationToken));

    /// <summary>Stores the letters in one transaction; a letter whose (shard, sequence number) is stored already is skipped.</summary>
    /// <returns>How many rows were new.</returns>
    public Task<int> StoreManyAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken = default) =>
        _database.RunAsync(() => StoreManyCoreAsync(letters, cancellationToken));

    /// <summary>
    /// Text as both databases store it: PostgreSQL refuses NUL in text and Npgsql refuses an unpaired surrogate, so
    /// either is written as U+FFFD. The raw bytes (the data column) keep the record exactly; this is only what the
    /// row shows. A dead letter that could not be stored would hold its shard, so no text may stop the write.
    /// </summary>
    internal static string? StorableText(string? text)
    {
        if (text is null)
            return null;
        System.Text.StringBuilder? builder = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder?.Append(c).Append(text[i + 1]);
                i++;
            }
            else if (c == '\0' || char.IsSurrogate(c))
            {
                builder ??= new System.Text.StringBuilder(text.Length).Append(text, 0, i);
                builder.Append('\uFFFD');
            }
            else
            {
                builder?.Append(c);
            }
        }
        return builder?.ToString() ?? text;
    }

    private async Task<int> StoreManyCoreAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letters);
        if (letters.Count == 0)
            return 0;
        return await _database.InTransactionAsync(_schema.EnsureAsync, async (connection, transaction) =>
        {
            await using var command = DatabaseTarget.CreateCommand(connection, transaction);
            // UNIQUE (shard_id, sequence_number) treats NULLs as distinct in both databases, so letters without a shard
            // (never read from Kinesis) are all kept.
            command.CommandText = $"""
                INSERT INTO {TableName}
                    (reason, message, event_id, aggregate_id, partition_key, shard_id, sequence_number, data, received_at)
                VALUES (@reason, @message, @event_id, @aggregate_id, @partition_key, @shard_id, @sequence_number, @data, @received_at)
                ON CONFLICT (shard_id, sequence_number) DO NOTHING
                """;
            var reason = AddText(command, "reason");
            var message = AddText(command, "message");
            var eventId = AddText(command, "event_id");
            var aggregateId = AddText(command, "aggregate_id");
            var partitionKey = AddText(command, "partition_key");
            var shardId = AddText(command, "shard_id");
            var sequenceNumber = AddText(command, "sequence_number");
            var data = _dialect.AddParameter(command, "data", Array.Empty<byte>());
            data.DbType = DbType.Binary;
            var receivedAt = _dialect.AddParameter(command, "received_at", DateTimeOffset.UnixEpoch);

            var inserted = 0;
            foreach (var letter in letters)
            {
                if ((letter.ShardId is null) != (letter.SequenceNumber is null))
                    throw new ArgumentException(
                        $"Dead letter for event '{letter.EventId}' has a shard id without a sequence number or the reverse.", nameof(letters));
                _dialect.SetValue(reason, StorableText(letter.Reason));
                _dialect.SetValue(message, StorableText(letter.Message));
                _dialect.SetValue(eventId, StorableText(letter.EventId));
                _dialect.SetValue(aggregateId, StorableText(letter.AggregateId));
                _dialect.SetValue(partitionKey, StorableText(letter.PartitionKey));
                _dialect.SetValue(shardId, letter.ShardId);
                _dialect.SetValue(sequenceNumber, letter.SubSequenceNumber is { } sub ? $"{letter.SequenceNumber}/{sub}" : letter.SequenceNumber);
                _dialect.SetValue(data, letter.Data);
                _dialect.SetValue(receivedAt, letter.ReceivedAt);
                inserted += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            return inserted;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The most recently stored letters first (by store order, which a producer's clock cannot disturb).</summary>
    /// <summary>
    /// The record bytes one answer of <see cref="NewestAsync"/> holds at most: a letter keeps its record of up to 1 MiB, so
    /// a thousand hostile records would otherwise make one answer a gigabyte. The newest letter is always answered.
    /// </summary>
    public const int MaxAnswerDataBytes = 16 * 1024 * 1024;

    /// <summary>The newest letters, at most <paramref name="limit"/> and at most <see cref="MaxAnswerDataBytes"/> of record data.</summary>
    public Task<IReadOnlyList<DeadLetter>> NewestAsync(int limit, CancellationToken cancellationToken = default) =>
        _database.RunAsync(() => NewestCoreAsync(limit, cancellationToken));

    private async Task<IReadOnlyList<DeadLetter>> NewestCoreAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (limit == 0)
            return [];
        return await _database.WithCommandAsync(_schema.EnsureAsync, async command =>
        {
            command.CommandText = $"""
                SELECT reason, message, event_id, aggregate_id, partition_key, shard_id, sequence_number, data, received_at
                  FROM {TableName} ORDER BY id DESC LIMIT @limit
                """;
            var limitParameter = _dialect.AddParameter(command, "limit", limit);
            limitParameter.DbType = DbType.Int32;

            var letters = new List<DeadLetter>(Math.Min(limit, 1024));
            long dataBytes = 0;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (dataBytes < MaxAnswerDataBytes && await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var (sequence, subSequence) = SplitSequence(SqlDialect.ReadNullableString(reader, 6));
                letters.Add(new DeadLetter(
                    reader.GetString(0),
                    reader.GetString(1),
                    SqlDialect.ReadNullableString(reader, 2),
                    SqlDialect.ReadNullableString(reader, 3),
                    reader.GetString(4),
                    SqlDialect.ReadNullableString(reader, 5),
                    sequence,
                    reader.GetFieldValue<byte[]>(7),
                    _dialect.ReadTimestamp(reader, 8),
                    subSequence));
                dataBytes += letters[^1].Data.Length;
            }
            return letters;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static (string? Sequence, int? SubSequence) SplitSequence(string? stored)
    {
        var slash = stored?.IndexOf('/') ?? -1;
        return slash < 0 ? (stored, null) : (stored![..slash], int.Parse(stored[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public Task<long> CountAsync(CancellationToken cancellationToken = default) =>
        _database.RunAsync(() => CountCoreAsync(cancellationToken));

    private Task<long> CountCoreAsync(CancellationToken cancellationToken) =>
        _database.WithCommandAsync(_schema.EnsureAsync, async command =>
        {
            command.CommandText = $"SELECT COUNT(*) FROM {TableName}";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
        }, cancellationToken);

    /// <summary>Stored letters per reason code (for /metrics and the CLI), in reason order.</summary>
    public Task<IReadOnlyDictionary<string, long>> CountByReasonAsync(CancellationToken cancellationToken = default) =>
        _database.RunAsync(() => CountByReasonCoreAsync(cancellationToken));

    private Task<IReadOnlyDictionary<string, long>> CountByReasonCoreAsync(CancellationToken cancellationToken) =>
        _database.WithCommandAsync<IReadOnlyDictionary<string, long>>(_schema.EnsureAsync, async command =>
        {
            command.CommandText = $"SELECT reason, COUNT(*) FROM {TableName} GROUP BY reason ORDER BY reason";

            var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                counts[reader.GetString(0)] = reader.GetInt64(1);
            return counts;
        }, cancellationToken);

    private Task CreateSchemaAsync(CancellationToken cancellationToken) =>
        _database.WithCommandAsync(ensureSchema: null, command =>
        {
            command.CommandText = $"""
                CREATE TABLE IF NOT EXISTS {TableName} (
                    id              {_dialect.AutoIncrementPrimaryKey},
                    reason          TEXT NOT NULL,
                    message         TEXT NOT NULL,
                    event_id        TEXT NULL,
                    aggregate_id    TEXT NULL,
                    partition_key   TEXT NOT NULL,
                    shard_id        TEXT NULL,
                    sequence_number TEXT NULL,
                    data            {_dialect.BlobType} NOT NULL,
                    received_at     {_dialect.TimestampType} NOT NULL,
                    UNIQUE (shard_id, sequence_number)
                );
                CREATE INDEX IF NOT EXISTS ix_{TableName}_reason ON {TableName} (reason);
                """;
            return command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    private DbParameter AddText(DbCommand command, string name)
    {
        var parameter = _dialect.AddParameter(command, name, null);
        parameter.DbType = DbType.String;
        return parameter;
    }
}
