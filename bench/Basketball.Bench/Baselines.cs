// The baselines each pipeline figure is judged against, measured on the same records and the same database:
// what the parts underneath can do with nothing of ours in between.
using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Basketball.Kinesis;
using Basketball.Storage;
using Npgsql;

namespace Basketball.Bench;

public static class Baselines
{
    public const string RawJournalTable = "bench_raw_journal";

    /// <summary>
    /// Raw drain: each of the <paramref name="shards"/> read from TRIM_HORIZON to its tip by a GetRecords loop (one
    /// loop per shard, all at once, the pipeline's batch size), records counted and dropped. Events/s over them.
    /// <paramref name="maxBatches"/> stops each loop after that many batches (a warm-up, which needs no whole shard).
    /// </summary>
    public static async Task<double> RawDrainAsync(KinesisClient client, string stream, IReadOnlyList<string> shards, long expected, int limit,
        CancellationToken ct, int maxBatches = int.MaxValue)
    {
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(shards.Select(async shard =>
        {
            var iterator = await client.GetShardIteratorAsync(stream, shard, ShardIteratorType.TrimHorizon, cancellationToken: ct);
            var read = 0;
            for (var batches = 0; iterator is not null && batches < maxBatches; batches++)
            {
                var batch = await client.GetRecordsAsync(iterator, limit, ct);
                read += batch.Records.Count;
                iterator = batch.NextShardIterator;
                if (batch.Records.Count == 0 && batch.MillisBehindLatest is 0 or null)
                    break; // at the tip
            }
            return read;
        }));
        var elapsed = clock.Elapsed;
        if (counts.Sum() < expected)
            throw new InvalidOperationException($"raw drain read {counts.Sum()} records of {expected}");
        return counts.Sum() / elapsed.TotalSeconds;
    }

    /// <summary>
    /// Raw insert: the <paramref name="records"/>' events as journal rows (persistence id, sequence number, payload, manifest) in a
    /// table shaped like the journal, in multi-row INSERTs of <paramref name="batchSize"/> rows, each its own transaction,
    /// by <paramref name="writers"/> connections at once (the journal's own batch size and parallelism).
    /// </summary>
    public static async Task<double> RawInsertAsync(DatabaseTarget database, IEnumerable<Simulator.SimulatedRecord> records, int batchSize, int writers,
        CancellationToken ct)
    {
        var rows = await PrepareTableAsync(database, records, ct);
        var batches = rows.Chunk(batchSize).ToList();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count)
            {
                var batch = batches[index];
                await using var insert = connection.CreateCommand();
                var values = new List<string>(batch.Length);
                for (var i = 0; i < batch.Length; i++)
                {
                    values.Add($"(@c{i}, @d{i}, @p{i}, @s{i}, @m{i}, @t{i}, 1, 'bench')");
                    Add(insert, $"c{i}", DateTime.UtcNow.Ticks);
                    Add(insert, $"d{i}", false);
                    Add(insert, $"p{i}", batch[i].Id);
                    Add(insert, $"s{i}", batch[i].Seq);
                    Add(insert, $"m{i}", batch[i].Payload);
                    Add(insert, $"t{i}", batch[i].Manifest);
                }
                insert.CommandText = $"INSERT INTO {RawJournalTable} (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) VALUES {string.Join(", ", values)}";
                await insert.ExecuteNonQueryAsync(ct);
            }
        }));
        var perSecond = rows.Count / clock.Elapsed.TotalSeconds;
        await DropTableAsync(database, ct);
        return perSecond;
    }

    /// <summary>
    /// The best the database does with the same rows: on each of <paramref name="writers"/> connections ONE prepared
    /// single-row INSERT, reused for every row, inside transactions of <paramref name="transactionRows"/> rows. On
    /// SQLite (in process) it is executed row by row with its parameters rebound, the classic fastest way in. On
    /// PostgreSQL a transaction's executions of it go as one pipelined batch (one round trip, not one per row), then the
    /// commit: the server still parses and plans nothing after the first, and fsyncs once per transaction.
    /// </summary>
    public static async Task<double> PreparedInsertAsync(DatabaseTarget database, IEnumerable<Simulator.SimulatedRecord> records, int transactionRows,
        int writers, CancellationToken ct)
    {
        var rows = await PrepareTableAsync(database, records, ct);
        var transactions = rows.Chunk(transactionRows).ToList();
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
        {
            await using var connection = await database.OpenConnectionAsync(ct);
            if (connection is NpgsqlConnection postgres)
            {
                await PipelinedAsync(postgres);
                return;
            }
            await using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO {RawJournalTable} (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) " +
                                 "VALUES (@c, @d, @p, @s, @m, @t, 1, 'bench')";
            var created = Add(insert, "c", DbType.Int64, 0L);
            var deleted = Add(insert, "d", DbType.Boolean, false);
            var id = Add(insert, "p", DbType.String, "");
            var seq = Add(insert, "s", DbType.Int64, 0L);
            var payload = Add(insert, "m", DbType.Binary, Array.Empty<byte>());
            var manifest = Add(insert, "t", DbType.String, "");
            var prepared = false;
            int index;
            while ((index = Interlocked.Increment(ref next)) < transactions.Count)
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                insert.Transaction = transaction;
                if (!prepared)
                {
                    await insert.PrepareAsync(ct); // once per connection: every later row reuses the statement
                    prepared = true;
                }
                foreach (var row in transactions[index])
                {
                    created.Value = DateTime.UtcNow.Ticks;
                    id.Value = row.Id;
                    seq.Value = row.Seq;
                    payload.Value = row.Payload;
                    manifest.Value = row.Manifest;
                    await insert.ExecuteNonQueryAsync(ct);
                }
                await transaction.CommitAsync(ct);
            }
        }));
        var perSecond = rows.Count / clock.Elapsed.TotalSeconds;
        await DropTableAsync(database, ct);
        return perSecond;

        async Task PipelinedAsync(NpgsqlConnection connection)
        {
            const string sql = $"INSERT INTO {RawJournalTable} (created, deleted, persistence_id, sequence_number, message, manifest, identifier, writer_uuid) " +
                               "VALUES ($1, $2, $3, $4, $5, $6, 1, 'bench')";
            int index;
            while ((index = Interlocked.Increment(ref next)) < transactions.Count)
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await using var batch = new NpgsqlBatch(connection, transaction);
                foreach (var row in transactions[index])
                {
                    var command = new NpgsqlBatchCommand(sql);
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = DateTime.UtcNow.Ticks });
                    command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = false });
                    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Id });
                    command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = row.Seq });
                    command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = row.Payload });
                    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = row.Manifest });
                    batch.BatchCommands.Add(command);
                }
                // The same text throughout: Npgsql prepares it once per connection and every later execution reuses it.
                await batch.PrepareAsync(ct);
                await batch.ExecuteNonQueryAsync(ct);
                await transaction.CommitAsync(ct);
            }
        }
    }

    /// <summary>(Re)creates the raw journal table and turns the records into its rows (one per event, numbered per entity).</summary>
    private static async Task<List<(string Id, long Seq, byte[] Payload, string Manifest)>> PrepareTableAsync(DatabaseTarget database,
        IEnumerable<Simulator.SimulatedRecord> records, CancellationToken ct)
    {
        await using (var connection = await database.OpenConnectionAsync(ct))
        {
            var blob = database.Kind == DatabaseKind.Sqlite ? "BLOB" : "BYTEA";
            await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {RawJournalTable}", ct);
            await ExecuteAsync(connection, $"""
                CREATE TABLE {RawJournalTable} (
                  ordering {(database.Kind == DatabaseKind.Sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY")},
                  created BIGINT NOT NULL, deleted BOOLEAN NOT NULL, persistence_id VARCHAR(255) NOT NULL,
                  sequence_number BIGINT NOT NULL, message {blob} NOT NULL, manifest VARCHAR(500) NULL,
                  identifier INTEGER NULL, writer_uuid VARCHAR(128) NULL,
                  UNIQUE (persistence_id, sequence_number))
                """, ct);
        }

        var sequence = new Dictionary<string, long>();
        return records.Select(record =>
        {
            var id = Workload.PersistenceId(record.Event!);
            sequence[id] = sequence.GetValueOrDefault(id) + 1;
            return (Id: id, Seq: sequence[id], Payload: record.Data, Manifest: record.Event!.EventType);
        }).ToList();
    }

    /// <summary>The raw table goes once measured: its rows would otherwise sit in the database the nodes then use.</summary>
    private static async Task DropTableAsync(DatabaseTarget database, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {RawJournalTable}", ct);
    }

    /// <summary>The journal rows of the Game and Player entities (not sharding's own remember-entities rows).</summary>
    public const string EntityRows = "persistence_id LIKE 'game-%' OR persistence_id LIKE 'player-%'";

    /// <summary>Raw read: every game and player journal row (id, sequence number, payload, manifest) read in order, nothing decoded.</summary>
    public static async Task<(TimeSpan Elapsed, long Rows)> RawReadAsync(DatabaseTarget database, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var select = connection.CreateCommand();
        select.CommandText = "SELECT persistence_id, sequence_number, message, manifest, identifier FROM journal " +
            $"WHERE {EntityRows} ORDER BY ordering";
        var clock = Stopwatch.StartNew();
        long rows = 0, bytes = 0;
        await using (var reader = await select.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                rows++;
                bytes += reader.GetString(0).Length + reader.GetInt64(1) + ((byte[])reader.GetValue(2)).Length;
            }
        }
        GC.KeepAlive(bytes);
        return (clock.Elapsed, rows);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private static DbParameter Add(DbCommand command, string name, DbType type, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@" + name;
        parameter.DbType = type;
        parameter.Value = value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
