// Readiness: the SQL database behind journal, snapshots, checkpoints and dead letters takes writes (DatabaseHealth
// probes it; a locked SQLite file counts as away). Not ready throws, so that /health/ready shows the reason.
using Basketball.Cluster.Http;
using Basketball.Storage;

namespace Basketball.Cluster.Hosting;

public sealed class JournalReachableCheck(DatabaseHealth database) : IReadinessCheck
{
    public string Name => "journal";

    public Task<bool> IsReadyAsync(CancellationToken cancellationToken) =>
        database.Reason is { } reason
            ? throw new InvalidOperationException($"the database is unavailable: {reason}")
            : Task.FromResult(true);
}
