// Delivers one aggregate's events to its sharded entity and waits for the durable answer, retrying
// timeouts with the same eventIds (the entity deduplicates, so a retry never applies anything twice).
using Akka.Actor;
using Basketball.Domain;
using Basketball.Domain.Events;
using Basketball.Shards.Entities;
using Microsoft.Extensions.Logging;

namespace Basketball.Ingress.Consumer;

public sealed class EventDelivery(IActorRef games, IActorRef players, IngressOptions options, ILogger logger)
{
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
        Exception? last = null;
        for (var attempt = 1; attempt <= options.MaxDeliveryAttempts; attempt++)
        {
            try
            {
                var reply = await region.Ask<EventsProcessed>(command, options.AskTimeout, cancellationToken);
                return new Delivered(reply.Outcomes, attempt);
            }
            // Every failure of an attempt, not only a timeout: an entity that answers with a failure, or a message the
            // transport refuses, must end in a bounded number of attempts too, never in an exception that fails the batch.
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                last = ex;
                logger.LogWarning("No answer from {Type} {AggregateId} for {Count} events (attempt {Attempt} of {Max}): {Failure}",
                    type, aggregateId, events.Count, attempt, options.MaxDeliveryAttempts, ex.GetType().Name);
                // Exponential backoff: a recovering entity or a moving shard needs a moment, not a hammering.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * Math.Pow(2, attempt - 1))), cancellationToken);
            }
        }

        var message = $"{type} {aggregateId} did not answer after {options.MaxDeliveryAttempts} attempts ({last?.GetType().Name})";
        return new Delivered(events
            .Select(e => EventOutcome.Rejected(e.EventId, new Rejection(RejectionReason.ProcessingFailed, message, e.EventId, aggregateId)))
            .ToArray(), options.MaxDeliveryAttempts);
    }
}

/// <param name="Attempts">1 when the first ask was answered. A duplicate after a retry means an answer was lost
/// (the first attempt was applied); a duplicate at the first attempt means the record itself came again.</param>
public sealed record Delivered(IReadOnlyList<EventOutcome> Outcomes, int Attempts);
