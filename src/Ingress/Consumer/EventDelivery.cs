// Delivers one aggregate's events to its sharded entity and waits for the durable answer, retrying
// failed attempts with the same eventIds (the entity deduplicates, so a retry never applies anything twice);
// while the database is away it waits instead of spending attempts.
using Akka.Actor;
using Basketball.Domain;
using Basketball.Domain.Events;
using Akka.Pattern;
using Basketball.Shards.Entities;
using Basketball.Storage;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Basketball.Ingress.Consumer;

/// <param name="database">When given, an attempt that fails while the database is away (the entity's write was refused,
/// or it did not answer and a probe finds the database down) is not counted: the delivery waits for the database and
/// asks again as soon as a probe finds it back, with a fresh budget of attempts. Null: every failure counts.</param>
public sealed class EventDelivery(IActorRef games, IActorRef players, IngressOptions options, ILogger logger, DatabaseHealth? database = null)
{
    /// <summary>Between two asks while the database answers probes but the journal still refuses writes (its circuit breaker).</summary>
    private static readonly TimeSpan JournalRecoveryPause = TimeSpan.FromMilliseconds(200);

    private readonly ResiliencePipeline _retry = RetryPipeline(options.MaxDeliveryAttempts);

    /// <summary>
    /// An answer per event, same order. After <see cref="IngressOptions.MaxDeliveryAttempts"/> unanswered attempts
    /// (the entity keeps failing, its shard cannot be placed) every event of the group is answered processing_failed,
    /// so one poisoned aggregate stalls its shard for a bounded time only. The database being away is not such a
    /// failure: the delivery waits for it (see the constructor's <c>database</c>).
    /// </summary>
    public async Task<Delivered> DeliverAsync(
        AggregateType type, string aggregateId, IReadOnlyList<EventEnvelope> events, CancellationToken cancellationToken)
    {
        var region = type == AggregateType.Game ? games : players;
        var command = new ProcessEvents(aggregateId, events);
        var attempts = 0;
        if (options.MaxDeliveryAttempts < 1)
            return Failed(last: null);
        while (true)
        {
            if (database is not null)
                await database.WaitUntilAvailableAsync(cancellationToken);
            try
            {
                var reply = await _retry.ExecuteAsync(async token =>
                {
                    attempts++;
                    return await AskOnceAsync(region, command, type, attempts, token);
                }, cancellationToken);
                return new Delivered(reply.Outcomes, attempts);
            }
            catch (DatabaseUnavailableException ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogDebug("{Type} {AggregateId}: the database is away ({Cause}); waiting for it", type, aggregateId, ex.Message);
                if (database!.IsAvailable)
                    await Task.Delay(JournalRecoveryPause, cancellationToken);
            }
            // The last attempt failed too: the pipeline rethrows its exception.
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                return Failed(ex);
            }
        }

        Delivered Failed(Exception? last)
        {
            var message = $"{type} {aggregateId} did not answer after {options.MaxDeliveryAttempts} attempts ({last?.GetType().Name})";
            return new Delivered(events
                .Select(e => EventOutcome.Rejected(e.EventId, new Rejection(RejectionReason.ProcessingFailed, message, e.EventId, aggregateId)))
                .ToArray(), attempts);
        }
    }

    private async Task<EventsProcessed> AskOnceAsync(IActorRef region, ProcessEvents command, AggregateType type, int attempt,
        CancellationToken token)
    {
        object answer;
        try
        {
            answer = await region.Ask<object>(command, options.AskTimeout, token);
        }
        catch (Exception ex) when (!token.IsCancellationRequested)
        {
            // An entity that cannot recover (its journal is away) stops without a word: the ask times out.
            if (database is not null && !await database.ProbeNowAsync(token))
                throw new DatabaseUnavailableException(database.Reason ?? ex.Message);
            logger.LogWarning("No answer from {Type} {AggregateId} for {Count} events (attempt {Attempt} of {Max}): {Failure}",
                type, command.AggregateId, command.Events.Count, attempt, options.MaxDeliveryAttempts, ex.GetType().Name);
            throw;
        }
        switch (answer)
        {
            case EventsProcessed processed:
                return processed;
            case EventsNotPersisted refused when database is not null &&
                                                 (refused.Cause.StartsWith(nameof(OpenCircuitException), StringComparison.Ordinal)
                                                  || !await database.ProbeNowAsync(token)):
                // The journal's circuit breaker stays open a moment after the database is back: that is the outage too.
                throw new DatabaseUnavailableException(refused.Cause);
            case EventsNotPersisted refused:
                logger.LogWarning("{Type} {AggregateId}: the journal refused {Count} events (attempt {Attempt} of {Max}): {Failure}",
                    type, command.AggregateId, command.Events.Count, attempt, options.MaxDeliveryAttempts, refused.Cause);
                throw new InvalidOperationException($"the journal refused the write: {refused.Cause}");
            default:
                throw new InvalidOperationException($"unexpected answer {answer.GetType().Name} to ProcessEvents");
        }
    }

    /// <summary>
    /// Every failure of an attempt is retried, not only a timeout: an entity that answers with a failure, or a message
    /// the transport refuses, must end in a bounded number of attempts too, never in an exception that fails the
    /// batch. Only the caller's cancellation stops the attempts. Exponential backoff (100 ms doubling, at most 5 s):
    /// a recovering entity or a moving shard needs a moment, not a hammering.
    /// </summary>
    private static ResiliencePipeline RetryPipeline(int maxAttempts) =>
        maxAttempts <= 1
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder()
                .AddRetry(new RetryStrategyOptions
                {
                    ShouldHandle = args => ValueTask.FromResult(
                        args.Outcome.Exception is not null and not DatabaseUnavailableException
                        && !args.Context.CancellationToken.IsCancellationRequested),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = false,
                    Delay = TimeSpan.FromMilliseconds(100),
                    MaxDelay = TimeSpan.FromSeconds(5),
                    MaxRetryAttempts = maxAttempts - 1,
                })
                .Build();
}

/// <summary>An attempt failed because the database is away: not counted, the delivery waits for the database.</summary>
internal sealed class DatabaseUnavailableException(string reason) : Exception(reason);

/// <param name="Attempts">1 when the first ask was answered. A duplicate after a retry means an answer was lost
/// (the first attempt was applied); a duplicate at the first attempt means the record itself came again.</param>
public sealed record Delivered(IReadOnlyList<EventOutcome> Outcomes, int Attempts);
