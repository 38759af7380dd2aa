// Delivers one aggregate's events to its sharded entity and waits for the durable answer, retrying
// failed attempts with the same eventIds (the entity deduplicates, so a retry never applies anything twice).
using Akka.Actor;
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Shards.Entities;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Basketball.Ingress.Consumer;

public sealed class EventDelivery(IActorRef games, IActorRef players, IngressOptions options, ILogger logger)
{
    private readonly ResiliencePipeline _retry = RetryPipeline(options.MaxDeliveryAttempts);

    /// <summary>
    /// An answer per event, same order. After <see cref="IngressOptions.MaxDeliveryAttempts"/> unanswered attempts
    /// (the entity keeps failing, its shard cannot be placed, the journal is down) every event of the group is
    /// answered processing_failed, so one poisoned aggregate stalls its shard for a bounded time only.
    /// </summary>
    public async Task<Delivered> DeliverAsync(
        AggregateType type, string aggregateId, IReadOnlyList<EventEnvelope> events, CancellationToken cancellationToken)
    {
        var region = type == AggregateType.Game ? games : players;
        var command = new ProcessEvents(aggregateId, events);
        var attempts = 0;
        if (options.MaxDeliveryAttempts < 1)
            return Failed(last: null);
        try
        {
            var reply = await _retry.ExecuteAsync(async token =>
            {
                attempts++;
                try
                {
                    return await region.Ask<EventsProcessed>(command, options.AskTimeout, token);
                }
                catch (Exception ex) when (!token.IsCancellationRequested)
                {
                    logger.LogWarning("No answer from {Type} {AggregateId} for {Count} events (attempt {Attempt} of {Max}): {Failure}",
                        type, aggregateId, events.Count, attempts, options.MaxDeliveryAttempts, ex.GetType().Name);
                    throw;
                }
            }, cancellationToken);
            return new Delivered(reply.Outcomes, attempts);
        }
        // The last attempt failed too: the pipeline rethrows its exception.
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(ex);
        }

        Delivered Failed(Exception? last)
        {
            var message = $"{type} {aggregateId} did not answer after {options.MaxDeliveryAttempts} attempts ({last?.GetType().Name})";
            return new Delivered(events
                .Select(e => EventOutcome.Rejected(e.EventId, new Rejection(RejectionReason.ProcessingFailed, message, e.EventId, aggregateId)))
                .ToArray(), attempts);
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
                        args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = false,
                    Delay = TimeSpan.FromMilliseconds(100),
                    MaxDelay = TimeSpan.FromSeconds(5),
                    MaxRetryAttempts = maxAttempts - 1,
                })
                .Build();
}

/// <param name="Attempts">1 when the first ask was answered. A duplicate after a retry means an answer was lost
/// (the first attempt was applied); a duplicate at the first attempt means the record itself came again.</param>
public sealed record Delivered(IReadOnlyList<EventOutcome> Outcomes, int Attempts);
