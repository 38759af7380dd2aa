// Readiness: the SQL database behind journal, snapshots, checkpoints and dead letters answers.
using Basketball.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Basketball.Cluster.Hosting;

public sealed class JournalReachableCheck(DatabaseTarget database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken)) == 1
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("SELECT 1 did not answer 1");
    }
}
