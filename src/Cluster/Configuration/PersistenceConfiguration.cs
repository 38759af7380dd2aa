// basketball.journal → Akka.Persistence.Sql connection settings for journal, snapshots and queries.
using Akka.Basketball.Ingress.Storage;
using Akka.Configuration;
using Microsoft.Data.Sqlite;

namespace Akka.Basketball.Cluster.Configuration;

public static class PersistenceConfiguration
{
    public static Config For(DatabaseTarget database)
    {
        var connectionString = database.ConnectionString;
        if (database.Kind == DatabaseKind.Sqlite)
        {
            // Microsoft.Data.Sqlite retries a busy database for the command timeout: journal, snapshots,
            // checkpoints, dead letters and read-side tables share one file and wait for each other's lock.
            connectionString = new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 30 }.ConnectionString;
        }
        var connection = EnvironmentOverrides.Quote(connectionString);
        var provider = EnvironmentOverrides.Quote(database.AkkaSqlProviderName);
        // SQLite has one writer at a time: more journal writers only fight over the lock.
        var parallelism = database.Kind == DatabaseKind.Sqlite ? "akka.persistence.journal.sql.parallelism = 1" : "";
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

    /// <summary>WAL lets readers (queries, projections) run beside the one writer; stored in the file.</summary>
    public static void Prepare(DatabaseTarget database)
    {
        using var connection = database.OpenConnection(); // switches a SQLite file to WAL
    }
}
