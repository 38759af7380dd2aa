// basketball.journal ("sqlite:PATH" | "postgres:CONNECTION-STRING") → Akka.Persistence.Sql settings.
using Akka.Configuration;
using Microsoft.Data.Sqlite;

namespace Akka.Basketball.Cluster.Configuration;

public enum JournalKind
{
    Sqlite,
    Postgres,
}

public sealed record JournalTarget(JournalKind Kind, string ConnectionString)
{
    public static JournalTarget Parse(string value)
    {
        if (value.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = value["sqlite:".Length..].Trim();
            if (path.Length == 0)
                throw new ArgumentException("basketball.journal 'sqlite:' needs a file path, e.g. sqlite:data/basketball.db");
            var full = Path.GetFullPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            // Default Timeout doubles as SQLite's busy timeout: journal, snapshots, checkpoints and dead
            // letters share one file and wait for each other's write lock instead of failing.
            var builder = new SqliteConnectionStringBuilder { DataSource = full, DefaultTimeout = 30, Pooling = true };
            return new JournalTarget(JournalKind.Sqlite, builder.ConnectionString);
        }

        if (value.StartsWith("postgres:", StringComparison.OrdinalIgnoreCase))
        {
            var connection = value["postgres:".Length..].Trim();
            if (connection.Length == 0)
                throw new ArgumentException("basketball.journal 'postgres:' needs a connection string, e.g. postgres:Host=db;Username=postgres;Database=basketball");
            return new JournalTarget(JournalKind.Postgres, connection);
        }

        throw new ArgumentException($"basketball.journal must be 'sqlite:PATH' or 'postgres:CONNECTION-STRING', not '{value}'.");
    }

    /// <summary>LinqToDB provider names that Akka.Persistence.Sql understands.</summary>
    public string ProviderName => Kind == JournalKind.Sqlite ? "SQLite.MS" : "PostgreSQL.15";

    /// <summary>The connection, provider and parallelism of journal, snapshot store and query journal.</summary>
    public Config ToPersistenceConfig()
    {
        var connection = EnvironmentOverrides.Quote(ConnectionString);
        var provider = EnvironmentOverrides.Quote(ProviderName);
        // SQLite has one writer at a time: more journal writers only fight over the lock.
        var parallelism = Kind == JournalKind.Sqlite ? "akka.persistence.journal.sql.parallelism = 1" : "";
        return ConfigurationFactory.ParseString($"""
            akka.persistence.journal.sql.connection-string = {connection}
            akka.persistence.journal.sql.provider-name = {provider}
            akka.persistence.snapshot-store.sql.connection-string = {connection}
            akka.persistence.snapshot-store.sql.provider-name = {provider}
            akka.persistence.query.journal.sql.connection-string = {connection}
            akka.persistence.query.journal.sql.provider-name = {provider}
            {parallelism}
            """);
    }

    /// <summary>Prepare the database file: WAL lets readers (queries, projections) run beside the one writer.</summary>
    public void Prepare()
    {
        if (Kind != JournalKind.Sqlite)
            return;
        using var connection = new SqliteConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL;";
        command.ExecuteNonQuery();
    }
}
