// Every HTTP error is a JSON ErrorBody, also when a handler fails: an entity that does not answer in time is 503
// (it may be recovering, moving to another node, or unable to load its journal), anything else 500, and neither
// leaks a stack trace.
using Akka.Actor;

namespace Basketball.Cluster.Http;

public static class ErrorHandling
{
    public static IApplicationBuilder UseJsonErrors(this WebApplication app)
    {
        var logger = app.Logger;
        return app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (AskTimeoutException) when (!context.Response.HasStarted)
            {
                await WriteAsync(context, StatusCodes.Status503ServiceUnavailable, new ErrorBody("unavailable",
                    $"{context.Request.Path} did not answer in time: the entity may be recovering, moving to another node, "
                    + "or unable to load its journal (see the node's log); try again"));
            }
            catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                logger.LogError(ex, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
                await WriteAsync(context, StatusCodes.Status500InternalServerError,
                    new ErrorBody("internal_error", $"the node failed to answer {context.Request.Path}; the cause is in its log"));
            }
        });
    }

    private static Task WriteAsync(HttpContext context, int status, ErrorBody body)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(body);
    }
}
