// Whether the database behind journal, checkpoints, dead letters and read side can take a write right now: one
// probe loop per node, read by readiness and by every writer that must tell "the database is away" (wait) from
// "this write is wrong" (count it as a failure).
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Basketball.Storage;

public sealed class DatabaseHealth : IAsyncDisposable
{
    /// <summary>A probe that takes longer than this counts as a failed one (a held SQLite lock waits this long).</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly DatabaseTarget _database;
    private readonly ILogger _logger;
    private readonly TimeSpan _probeEvery;
    private readonly TimeSpan _probeEveryWhileAway;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private readonly SemaphoreSlim _probing = new(1, 1);
    private TaskCompletionSource _available = NewAvailable(completed: true);
    private Task? _loop;
    private string? _reason;
    private long _awaySince;

    /// <param name="probeEvery">Between two probes while the database answers.</param>
    /// <param name="probeEveryWhileAway">Between two probes while it does not: how soon writers resume after it returns.</param>
    public DatabaseHealth(DatabaseTarget database, ILogger logger, TimeSpan? probeEvery = null, TimeSpan? probeEveryWhileAway = null)
    {
        _database = database;
        _logger = logger;
        _probeEvery = probeEvery ?? TimeSpan.FromSeconds(1);
        _probeEveryWhileAway = probeEveryWhileAway ?? TimeSpan.FromMilliseconds(250);
    }

    public bool IsAvailable
    {
        get
        {
            lock (_gate)
                return _reason is null;
        }
    }

    /// <summary>Why the database is unavailable (the last probe's failure); null while it is available.</summary>
    public string? Reason
    {
        get
        {
            lock (_gate)
                return _reason;
        }
    }

    /// <summary>Starts probing (idempotent). Until then the database counts as available.</summary>
    public DatabaseHealth Start()
    {
        lock (_gate)
            _loop ??= Task.Run(() => ProbeLoopAsync(_stopping.Token));
        return this;
    }

    /// <summary>Completes at once while the database is available, else when a probe finds it back.</summary>
    public Task WaitUntilAvailableAsync(CancellationToken cancellationToken)
    {
        Task available;
        lock (_gate)
            available = _available.Task;
        return available.IsCompleted ? Task.CompletedTask : available.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// A writer saw a failure: probe now (not at the next tick) so that it learns at once whether the database is
    /// away. True when the database answers.
    /// </summary>
    public async Task<bool> ProbeNowAsync(CancellationToken cancellationToken)
    {
        await ProbeAndRecordAsync(cancellationToken).ConfigureAwait(false);
        return IsAvailable;
    }

    /// <summary>
    /// Runs <paramref name="work"/>; when it fails and a probe finds the database away, waits for it and runs it again
    /// (as often as it takes), so that the outage is not taken for a fault of the work. Any other failure is thrown.
    /// The work must be safe to repeat (every store's writes are idempotent).
    /// </summary>
    public async Task<T> RetryWhileAwayAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        while (true)
        {
            await WaitUntilAvailableAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await work(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                if (await ProbeNowAsync(cancellationToken).ConfigureAwait(false))
                    throw; // the database answers: the work itself failed
                // the database is away: wait for it above, then try again
            }
        }
    }

    private async Task ProbeLoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await ProbeAndRecordAsync(stopping).ConfigureAwait(false);
                await Task.Delay(IsAvailable ? _probeEvery : _probeEveryWhileAway, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ProbeAndRecordAsync(CancellationToken cancellationToken)
    {
        await _probing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Record(await ProbeAsync(cancellationToken).ConfigureAwait(false));
        }
        finally
        {
            _probing.Release();
        }
    }

    /// <summary>
    /// PostgreSQL: a round trip on a fresh connection. SQLite: taking the write lock and giving it back
    /// (BEGIN IMMEDIATE; ROLLBACK), since a plain SELECT 1 reads no page and succeeds on a file that another
    /// process holds locked or that cannot be written.
    /// </summary>
    private async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            return await _database.RunAsync(async () =>
            {
                await using var connection = await _database.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
                await using var command = connection.CreateCommand();
                command.CommandTimeout = (int)Math.Ceiling(ProbeTimeout.TotalSeconds);
                if (_database.Kind == DatabaseKind.Sqlite)
                {
                    await using var busy = connection.CreateCommand();
                    busy.CommandText = $"PRAGMA busy_timeout = {(int)ProbeTimeout.TotalMilliseconds}";
                    await busy.ExecuteNonQueryAsync(timeout.Token).ConfigureAwait(false);
                    command.CommandText = "BEGIN IMMEDIATE; ROLLBACK;";
                }
                else
                {
                    command.CommandText = "SELECT 1";
                }
                await command.ExecuteNonQueryAsync(timeout.Token).ConfigureAwait(false);
                return (string?)null;
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"the database did not answer a probe within {ProbeTimeout.TotalSeconds:F0} s";
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or System.Net.Sockets.SocketException
                                       or InvalidOperationException or TimeoutException)
        {
            return $"{ex.GetType().Name}: {ex.Message}";
        }
    }

    private void Record(string? failure)
    {
        TimeSpan? wasAway = null;
        lock (_gate)
        {
            var wasAvailable = _reason is null;
            _reason = failure;
            if (wasAvailable && failure is not null)
            {
                _awaySince = Stopwatch.GetTimestamp();
                _available = NewAvailable(completed: false);
                _logger.LogWarning("The database {Database} is unavailable ({Reason}); writers wait for it", _database, failure);
            }
            else if (!wasAvailable && failure is null)
            {
                wasAway = Stopwatch.GetElapsedTime(_awaySince);
                // Every pooled connection to a server that went away is dead: without this, the journal's next
                // writes would each find one of them and fail once more after the database is back.
                if (_database.Kind == DatabaseKind.Postgres)
                    NpgsqlConnection.ClearAllPools();
                else
                    SqliteConnection.ClearAllPools();
                _available.TrySetResult();
            }
        }
        if (wasAway is { } away)
            _logger.LogWarning("The database {Database} is available again after {Seconds:F1} s", _database, away.TotalSeconds);
    }

    private static TaskCompletionSource NewAvailable(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
            source.SetResult();
        return source;
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Cancel();
        if (_loop is not null)
            await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }
}
