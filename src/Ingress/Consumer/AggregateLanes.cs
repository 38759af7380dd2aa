// One shard's deliveries, several batches at once: a delivery waits only for the previous delivery of its own
// aggregate (a per-key gate), never for the slowest aggregate of an earlier batch.
using Basketball.Domain.Events;

namespace Basketball.Ingress.Consumer;

/// <summary>
/// Keeps each aggregate's deliveries in the order they were enqueued while different aggregates, of the same
/// batch or of later ones, proceed in parallel (at most <c>slots</c> deliveries running at a time). The order
/// of <see cref="RunAsync{T}"/> calls is the order per aggregate: the caller enqueues a batch's groups
/// synchronously, batch after batch, in sequence order. Memory: one entry per aggregate with a delivery
/// pending, removed when its last one finishes.
/// </summary>
public sealed class AggregateLanes(int slots)
{
    private readonly object _lock = new();
    private readonly Dictionary<(AggregateType, string), Task> _tails = [];
    // Never disposed: it has no wait handle, and a lane still waiting when its reader stops must not throw.
    private readonly SemaphoreSlim _slots = new(Math.Max(1, slots));

    /// <summary>Aggregates with a delivery running or waiting (for metrics and tests).</summary>
    public int Pending
    {
        get
        {
            lock (_lock)
                return _tails.Count;
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> once every earlier call for the same key has succeeded and a slot is free. The
    /// place in the lane is taken before this method returns. When an earlier call failed (or was cancelled) this
    /// one fails with it without running: a later event of the aggregate must never be delivered past an earlier
    /// one that was not (the failed batch fails the reader's stream, and the next reader reads both again in order).
    /// A call made after the lane emptied starts a fresh lane.
    /// </summary>
    public Task<T> RunAsync<T>(AggregateType type, string aggregateId, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        var key = (type, aggregateId);
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (_lock)
        {
            previous = _tails.GetValueOrDefault(key) ?? Task.CompletedTask;
            _tails[key] = finished.Task;
        }
        return RunInLane(key, previous, finished, work, cancellationToken);
    }

    private async Task<T> RunInLane<T>((AggregateType, string) key, Task previous, TaskCompletionSource finished, Func<Task<T>> work,
        CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            await previous; // throws when an earlier delivery of this aggregate failed: this one must not overtake it
            await _slots.WaitAsync(cancellationToken);
            try
            {
                return await work();
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            lock (_lock)
            {
                if (_tails.TryGetValue(key, out var tail) && tail == finished.Task)
                    _tails.Remove(key);
            }
            if (failure is null)
                finished.SetResult();
            else
                finished.SetException(failure);
        }
    }
}
