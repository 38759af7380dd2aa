// Where the consumer puts records it could not apply (DeadLetterStore in production).
using Basketball.Ingress.DeadLetters;

namespace Basketball.Ingress.Consumer;

public interface IDeadLetterSink
{
    /// <summary>Durable when the task completes; storing the same (shard, sequence number) twice keeps one.</summary>
    /// <returns>How many rows were new.</returns>
    Task<int> StoreManyAsync(IReadOnlyList<DeadLetter> letters, CancellationToken cancellationToken = default);
}
