// The fencing token of a journal reader that runs as a cluster singleton (the milestone publisher, the league
// projector). Akka keeps one singleton per cluster, not per database: a node frozen past failure detection is downed
// and the singleton starts on a survivor, yet the frozen node's instance runs on for seconds after it thaws, reading
// the rows its successor reads. Each instance takes the next epoch of its row in read_fences when it starts; every
// transaction that records what it read first checks, holding a share lock on the row, that the epoch is still its
// own, so a taking instance waits for the transactions in flight and every later one of an older instance is refused.
using System.Data;
using System.Data.Common;
using Basketball.Storage;

namespace Basketball.ReadSide.Fencing;

/// <param name="Reader">The row's name (one per singleton).</param>
/// <param name="Owner">The node incarnation that took it ("address#uid"), for people reading the table.</param>
public sealed record ReaderLease(string Reader, string Owner, long Epoch);

public sealed class ReaderFence
{
    public const string TableName = "read_fences";

    private readonly DatabaseTarget _database;
    private readonly SqlDialect _dialect;
    private readonly SchemaGate _schema;

    public ReaderFence(DatabaseTarget database)
    {
        _database = database;
        _dialect = SqlDialect.For(database.Kind);
        _schema = new SchemaGate(CreateSchemaAsync);
    }

    /// <summary>Takes the next epoch of <paramref name="reader"/>: from now on, the lease of every earlier instance is refused.</summary>
    public Task<ReaderLease> TakeAsync(string reader, string owner, CancellationToken cancellationToken = default) =>
        _database.RunAsync(() => _database.WithCommandAsync(_schema.EnsureAsync, async command =>
        {
            command.CommandText = $"""
                INSERT INTO {TableName} (name, epoch, owner, taken_at) VALUES (@name, 1, @owner, @now)
                ON CONFLICT (name) DO UPDATE SET epoch = {TableName}.epoch + 1, owner = excluded.owner, taken_at = excluded.taken_at
                RETURNING epoch
                """;
            _dialect.AddParameter(command, "name", reader);
            _dialect.AddParameter(command, "owner", owner);
            _dialect.AddParameter(command, "now", DateTimeOffset.UtcNow);
            var epoch = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken));
            return new ReaderLease(reader, owner, epoch);
        }, cancellationToken));

    /// <summary>Whether the lease is still current (before a write outside the database, such as a put to Kinesis).</summary>
    public Task<bool> IsCurrentAsync(ReaderLease lease, CancellationToken cancellationToken = default) =>
        _database.RunAsync(() => _database.WithCommandAsync(_schema.EnsureAsync, async command =>
            await CurrentEpochAsync(command, lease, lockRow: false, cancellationToken) == lease.Epoch, cancellationToken));

    /// <summary>
    /// Inside a transaction that records what the reader read: throws <see cref="ReaderFencedException"/> (so the
    /// transaction rolls back) unless the lease is current, and holds the row so that nobody takes it before the commit.
    /// </summary>
    public async Task CheckAsync(DbConnection connection, DbTransaction transaction, ReaderLease lease, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken);
        await using var command = DatabaseTarget.CreateCommand(connection, transaction);
        var current = await CurrentEpochAsync(command, lease, lockRow: true, cancellationToken);
        if (current != lease.Epoch)
            throw new ReaderFencedException(lease, current);
    }

    private async Task<long?> CurrentEpochAsync(DbCommand command, ReaderLease lease, bool lockRow, CancellationToken cancellationToken)
    {
        // SQLite has one writer at a time: its write transactions never interleave, and it knows no row locks.
        command.CommandText = $"SELECT epoch FROM {TableName} WHERE name = @name" +
                              (lockRow && _dialect.Kind == DatabaseKind.Postgres ? " FOR SHARE" : "");
        _dialect.AddParameter(command, "name", lease.Reader);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToInt64(value);
    }

    private Task CreateSchemaAsync(CancellationToken cancellationToken) =>
        _database.WithCommandAsync(ensureSchema: null, command =>
        {
            command.CommandText = $"""
                CREATE TABLE IF NOT EXISTS {TableName} (
                  name TEXT PRIMARY KEY, epoch BIGINT NOT NULL, owner TEXT NOT NULL, taken_at {_dialect.TimestampType} NOT NULL)
                """;
            return command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
}

/// <summary>What a store checks first in the transaction that records a singleton's reading (null: unfenced, as in tests).</summary>
public sealed record FenceCheck(ReaderFence Fence, ReaderLease Lease)
{
    public Task RunAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Fence.CheckAsync(connection, transaction, Lease, cancellationToken);
}
