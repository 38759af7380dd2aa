// Dead letters are stored once the database is back, not lost with the batch: a write that fails while the
// database is away waits for it (DatabaseHealth) and is made again, so the batch stays with its reader.
using Basketball.Ingress.Consumer;
using Basketball.Storage;

namespace Basketball.Ingress.DeadLetters;

public sealed class WaitingDeadLetterSink(IDeadLetterSink inner, DatabaseHealth database) : IDeadLetterSink
{
    public Task<int> StoreManyAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken = default) =>
        database.RetryWhileAwayAsync(token => inner.StoreManyAsync(letters, token), cancellationToken);
}
