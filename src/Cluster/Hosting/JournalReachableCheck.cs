// Readiness: the SQL database behind journal and snapshots answers a trivial query.
using System.Data.Common;
using Akka.Basketball.Cluster.Configuration;
using Akka.Basketball.Cluster.Http;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Akka.Basketball.Cluster.Hosting;

public sealed class JournalReachableCheck(JournalTarget journal) : IReadinessCheck
{
    public string Name => "journal";

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        await using DbConnection connection = journal.Kind == JournalKind.Sqlite
            ? new SqliteConnection(journal.ConnectionString)
            : new NpgsqlConnection(journal.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken)) == 1;
    }
}
