// Which failures a Kinesis call retries, and how: exponential backoff with jitter, a timeout per attempt.
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Basketball.Kinesis;

internal static class KinesisRetryPolicy
{
    /// <summary>
    /// Retried: throttling, limits, 5xx, dropped connections, attempt timeouts. Not retried: expired iterators,
    /// invalid arguments, missing or busy resources — trying again cannot help, the caller must act.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        KinesisException k => k.IsRetryable,
        HttpRequestException => true,
        IOException => true,
        TimeoutRejectedException => true,
        _ => false,
    };

    public static ResiliencePipeline Build(KinesisOptions options, ILogger logger, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e)),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseRetryDelay,
                MaxDelay = options.MaxRetryDelay,
                MaxRetryAttempts = options.MaxAttempts - 1,
                OnRetry = args =>
                {
                    logger.LogWarning(
                        "Kinesis {Action} attempt {Attempt} failed ({Error}); retrying in {Delay} ms",
                        args.Context.OperationKey, args.AttemptNumber + 1, args.Outcome.Exception?.Message,
                        (int)args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            });
        }
        if (options.RequestTimeout > TimeSpan.Zero && options.RequestTimeout != Timeout.InfiniteTimeSpan)
            builder.AddTimeout(options.RequestTimeout);
        return builder.Build();
    }
}
