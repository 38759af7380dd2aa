// Readiness: the SQL database behind journal, snapshots, checkpoints and dead letters answers.
using Basketball.Cluster.Http;
using Basketball.Storage;

namespace Basketball.Cluster.Hosting;

public sealed class JournalReachableCheck(DatabaseTarget database) : IReadinessCheck
{
    public string Name => "journal";

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken)) == 1;
    }
}
