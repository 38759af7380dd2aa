// basketball.journal → Akka.Persistence.Sql connection settings for journal, snapshots and queries.
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence.Sql.Config;
using Basketball.Storage;
using LinqToDB;
using Microsoft.Data.Sqlite;

namespace Basketball.Cluster.Configuration;

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
        // SQLite has one writer at a time: more journal writers only fight over the lock. Reads (recovery, replay,
        // the tag queries of the projections) must not take that lock: Microsoft.Data.Sqlite begins a transaction
        // of any other isolation level with BEGIN IMMEDIATE, the writer's lock, and only read-uncommitted with a
        // deferred BEGIN, which in WAL mode reads a committed snapshot beside the writer (read-uncommitted itself
        // only means something in shared-cache mode, which is not used). SQLite finds a named parameter by a
        // linear search of the statement's names, while it parses the statement and again for each value bound:
        // a 100-row INSERT of 10 columns costs 1,000 x 1,000 / 2 string compares. In a profile of a saturated
        // node that search (strncmp) was 5-7% of all CPU samples; statements of 20 rows took it to under 1%.
        var sqliteOnly = database.Kind == DatabaseKind.Sqlite
            ? """
              akka.persistence.journal.sql { parallelism = 1, read-isolation-level = read-uncommitted, db-round-trip-max-batch-size = 20 }
              akka.persistence.snapshot-store.sql.read-isolation-level = read-uncommitted
              akka.persistence.query.journal.sql.read-isolation-level = read-uncommitted
              """
            : "";
        return ConfigurationFactory.ParseString($"""
            akka.persistence.journal.sql.connection-string = {connection}
            akka.persistence.journal.sql.provider-name = {provider}
            akka.persistence.snapshot-store.sql.connection-string = {connection}
            akka.persistence.snapshot-store.sql.provider-name = {provider}
            akka.persistence.query.journal.sql.connection-string = {connection}
            akka.persistence.query.journal.sql.provider-name = {provider}
            {sqliteOnly}
            """);
    }

    /// <summary>
    /// The journal's, snapshot store's and read journal's connections, set up like every other connection to the
    /// database (<see cref="DatabaseTarget.ConfigureSqlite"/>); null where nothing needs setting up (PostgreSQL).
    /// </summary>
    public static Setup? ConnectionSetup(DatabaseTarget database)
    {
        if (database.Kind != DatabaseKind.Sqlite)
            return null;
        var options = new DataOptions()
            .UseConnectionString(database.AkkaSqlProviderName, For(database).GetString("akka.persistence.journal.sql.connection-string"))
            .UseAfterConnectionOpened(DatabaseTarget.ConfigureSqlite, (connection, _) =>
            {
                DatabaseTarget.ConfigureSqlite(connection);
                return Task.CompletedTask;
            });
        return new DataOptionsSetup(options);
    }

    /// <summary>An actor system of <paramref name="config"/> whose persistence connects like a node's.</summary>
    public static ActorSystemSetup SystemSetup(DatabaseTarget database, Config config)
    {
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config));
        return ConnectionSetup(database) is { } connections ? setup.And(connections) : setup;
    }

    /// <summary>WAL lets readers (queries, projections) run beside the one writer; stored in the file.</summary>
    public static void Prepare(DatabaseTarget database)
    {
        using var connection = database.OpenConnection(); // switches a SQLite file to WAL
    }
}
