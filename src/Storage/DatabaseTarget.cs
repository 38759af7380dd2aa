// Where the SQL stores live: the parsed form of BASKETBALL_JOURNAL (SPEC §7), shared by the journal,
// the checkpoint store and the dead letter store so that all three agree on one database.
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Basketball.Storage;

public sealed class DatabaseTarget
{
    public const string EnvironmentVariable = "BASKETBALL_JOURNAL";
    public const string DefaultValue = "sqlite:data/basketball.db";

    private const string SqlitePrefix = "sqlite:";
    private const string PostgresPrefix = "postgres:";
    private const string IdleInTransactionTimeout = "idle_in_transaction_session_timeout";

    // The journal (Akka.Persistence.Sql) writes to the same SQLite file from other connections. WAL lets readers
    // proceed while one writer writes; the busy timeout makes a writer wait for the other instead of failing
    // at once with SQLITE_BUSY.
    internal static readonly TimeSpan SqliteBusyTimeout = TimeSpan.FromSeconds(5);

    private DatabaseTarget(DatabaseKind kind, string connectionString, string? sqlitePath)
    {
        Kind = kind;
        ConnectionString = connectionString;
        SqlitePath = sqlitePath;
    }

    public DatabaseKind Kind { get; }

    /// <summary>The ADO.NET connection string (Microsoft.Data.Sqlite or Npgsql keyword format).</summary>
    public string ConnectionString { get; }

    /// <summary>The absolute path of the SQLite file; null for PostgreSQL.</summary>
    public string? SqlitePath { get; }

    /// <summary>The Akka.Persistence.Sql (linq2db) provider name for this database.</summary>
    public string AkkaSqlProviderName => Kind == DatabaseKind.Sqlite ? "SQLite.MS" : "PostgreSQL.15";

    /// <summary>The Akka.Persistence.Sql <c>table-mapping</c> for this database.</summary>
    public string AkkaSqlTableMapping => Kind == DatabaseKind.Sqlite ? "sqlite" : "postgresql";

    /// <summary>Reads <c>BASKETBALL_JOURNAL</c>, falling back to <see cref="DefaultValue"/>.</summary>
    public static DatabaseTarget FromEnvironment(string? baseDirectory = null)
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return Parse(string.IsNullOrWhiteSpace(value) ? DefaultValue : value, baseDirectory);
    }

    /// <summary>
    /// Parses <c>sqlite:PATH</c> (relative to <paramref name="baseDirectory"/>, by default the working directory;
    /// the directory is created) or <c>postgres:CONNECTION-STRING</c> (Npgsql keywords).
    /// </summary>
    /// <exception cref="FormatException">The value names no supported database or is malformed.</exception>
    public static DatabaseTarget Parse(string value, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();

        if (trimmed.StartsWith(SqlitePrefix, StringComparison.OrdinalIgnoreCase))
            return ForSqliteFile(trimmed[SqlitePrefix.Length..], baseDirectory);

        if (trimmed.StartsWith(PostgresPrefix, StringComparison.OrdinalIgnoreCase))
            return ForPostgres(trimmed[PostgresPrefix.Length..]);

        throw new FormatException(
            $"{EnvironmentVariable} must be 'sqlite:PATH' or 'postgres:CONNECTION-STRING' " +
            $"(e.g. 'sqlite:data/basketball.db' or 'postgres:Host=db;Database=basketball;Username=app'), " +
            $"but was '{Redact(trimmed)}'.");
    }

    public static DatabaseTarget ForSqliteFile(string path, string? baseDirectory = null)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new FormatException($"{EnvironmentVariable}: 'sqlite:' needs a file path, e.g. 'sqlite:data/basketball.db'.");

        var fullPath = Path.GetFullPath(path.Trim(), baseDirectory ?? Directory.GetCurrentDirectory());
        var directory = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        };
        return new DatabaseTarget(DatabaseKind.Sqlite, builder.ToString(), fullPath);
    }

    public static DatabaseTarget ForPostgres(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new FormatException(
                $"{EnvironmentVariable}: 'postgres:' needs an Npgsql connection string, e.g. 'postgres:Host=db;Database=basketball;Username=app'.");

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString.Trim());
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"{EnvironmentVariable}: the PostgreSQL connection string is not valid: {e.Message}", e);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
            throw new FormatException($"{EnvironmentVariable}: the PostgreSQL connection string names no Host.");

        // A node that stops in the middle of a transaction (frozen by a GC pause or a VM migration, cut off) keeps its
        // row locks until its session ends, and the survivors' writes to those rows wait: the takeover of its Kinesis
        // shards (their checkpoint rows), the next write of an entity it was writing. PostgreSQL ends such a session
        // after this, which is shorter than failover (~13 s) and far longer than any pause inside one of the node's
        // own transactions (statements sent back to back). A connection string that sets it keeps its own value.
        if (builder.Options?.Contains(IdleInTransactionTimeout, StringComparison.Ordinal) != true)
            builder.Options = $"{builder.Options} -c {IdleInTransactionTimeout}=10s".Trim();

        return new DatabaseTarget(DatabaseKind.Postgres, builder.ConnectionString, sqlitePath: null);
    }

    public DbConnection OpenConnection()
    {
        var connection = CreateConnection();
        try
        {
            connection.Open();
            if (Kind == DatabaseKind.Sqlite)
                ConfigureSqlite(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = CreateConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (Kind == DatabaseKind.Sqlite)
                ConfigureSqlite(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Runs database work so that it never blocks the caller's thread. Microsoft.Data.Sqlite's async methods run
    /// synchronously (and may wait up to the busy timeout for the journal's write lock), which would stall an
    /// actor's dispatcher thread; Npgsql is truly asynchronous and runs as is.
    /// </summary>
    public Task<T> RunAsync<T>(Func<Task<T>> work) => Kind == DatabaseKind.Sqlite ? Task.Run(work) : work();

    public Task RunAsync(Func<Task> work) => Kind == DatabaseKind.Sqlite ? Task.Run(work) : work();

    /// <summary>
    /// A store's unit of work in one transaction: <paramref name="ensureSchema"/> (the store's tables, if given), a new
    /// connection, a transaction at the provider's default isolation level, <paramref name="work"/> (its commands bound
    /// with <see cref="CreateCommand"/>), commit. An exception leaves the transaction uncommitted: it is rolled back
    /// when disposed. Runs on the caller's thread; wrap it in <see cref="RunAsync{T}"/> where that must not block.
    /// </summary>
    public async Task<T> InTransactionAsync<T>(Func<CancellationToken, Task>? ensureSchema, Func<DbConnection, DbTransaction, Task<T>> work,
        CancellationToken cancellationToken)
    {
        if (ensureSchema is not null)
            await ensureSchema(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var result = await work(connection, transaction).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <inheritdoc cref="InTransactionAsync{T}"/>
    public Task InTransactionAsync(Func<CancellationToken, Task>? ensureSchema, Func<DbConnection, DbTransaction, Task> work,
        CancellationToken cancellationToken) =>
        InTransactionAsync(ensureSchema, async (connection, transaction) =>
        {
            await work(connection, transaction).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>
    /// A store's single statement outside an explicit transaction (a read, or a write that is one statement and so
    /// commits on its own): <paramref name="ensureSchema"/> (if given), a new connection, one command on it, <paramref name="work"/>.
    /// </summary>
    public async Task<T> WithCommandAsync<T>(Func<CancellationToken, Task>? ensureSchema, Func<DbCommand, Task<T>> work,
        CancellationToken cancellationToken)
    {
        if (ensureSchema is not null)
            await ensureSchema(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        return await work(command).ConfigureAwait(false);
    }

    /// <summary>A command on <paramref name="connection"/> that runs inside <paramref name="transaction"/>.</summary>
    public static DbCommand CreateCommand(DbConnection connection, DbTransaction? transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        return command;
    }

    /// <summary>A description safe for logs: the kind and the target, never a password.</summary>
    public override string ToString() =>
        Kind == DatabaseKind.Sqlite ? $"sqlite:{SqlitePath}" : $"postgres:{Redact(ConnectionString)}";

    private DbConnection CreateConnection() => Kind switch
    {
        DatabaseKind.Sqlite => new SqliteConnection(ConnectionString),
        DatabaseKind.Postgres => new NpgsqlConnection(ConnectionString),
        _ => throw new InvalidOperationException($"Unknown database kind {Kind}."),
    };

    /// <summary>
    /// Per-connection settings for every connection to the SQLite file, the journal's included (see
    /// PersistenceConfiguration). journal_mode=WAL is stored in the file (the first connection switches it);
    /// busy_timeout is per connection and so must be set every time a pooled connection is handed out. Without it
    /// Microsoft.Data.Sqlite answers a locked database by sleeping 150 ms before trying again, so the journal lost
    /// the write lock to the checkpoint and projection writers (which wait in SQLite's own short steps) for whole
    /// 150 ms naps. synchronous=NORMAL: in WAL mode a commit survives a crash of the process (kill -9); only a power
    /// loss can drop the newest commits, and then in commit order, so a checkpoint never outlives the journal
    /// writes it covers.
    /// </summary>
    public static void ConfigureSqlite(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText =
            $"PRAGMA busy_timeout = {(int)SqliteBusyTimeout.TotalMilliseconds}; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";
        command.ExecuteNonQuery();
    }

    private static string Redact(string value)
    {
        // Best effort: hide anything after a password keyword up to the next separator.
        return System.Text.RegularExpressions.Regex.Replace(
            value, @"(?i)(password|pwd)\s*=\s*[^;]*", "$1=***");
    }
}
