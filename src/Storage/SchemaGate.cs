// Runs a store's CREATE TABLE IF NOT EXISTS once per process before its first statement, and again after a failure.
using Npgsql;

namespace Basketball.Storage;

public sealed class SchemaGate(Func<CancellationToken, Task> create)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile bool _created;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_created)
            return;
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_created)
                return;
            try
            {
                await create(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
            {
                // Two nodes ran CREATE TABLE IF NOT EXISTS at the same moment; PostgreSQL lets one of them fail
                // on its catalog. The other created the table: run once more to create what may still be missing.
                await create(cancellationToken).ConfigureAwait(false);
            }
            _created = true;
        }
        finally
        {
            _lock.Release();
        }
    }
}
