// Readiness: the SQL database behind journal, snapshots, checkpoints and dead letters takes writes. DatabaseHealth
// probes it in the background (a locked SQLite file counts as away); this check reads its last answer, so a probe of
// /health/ready never waits on a database that hangs.
using Basketball.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Basketball.Cluster.Hosting;

public sealed class JournalReachableCheck(DatabaseHealth database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(database.Reason is { } reason
            ? HealthCheckResult.Unhealthy($"the database is unavailable: {reason}")
            : HealthCheckResult.Healthy());
}
