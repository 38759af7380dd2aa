// Every HTTP error is a JSON ErrorBody, also when a handler fails: an entity that does not answer in time is 503
// (it may be recovering, moving to another node, or unable to load its journal), anything else 500, and neither
// leaks a stack trace. An error the framework answers without a body (no route, wrong method, a request it could not
// bind) gets one too. Only what Kestrel refuses before the application sees it (a request line over its limit, a
// malformed request) is answered by Kestrel alone, without a body.
using Akka.Actor;

namespace Basketball.Cluster.Http;

public static class ErrorHandling
{
    public static IApplicationBuilder UseJsonErrors(this WebApplication app)
    {
        var logger = app.Logger;
        app.UseStatusCodePages(context => WriteAsync(context.HttpContext, context.HttpContext.Response.StatusCode,
            new ErrorBody(CodeOf(context.HttpContext.Response.StatusCode),
                $"{context.HttpContext.Request.Method} {QueryLimit.Quote(context.HttpContext.Request.Path.ToString())}: {ReasonOf(context.HttpContext.Response.StatusCode)}")));
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

    private static string CodeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "bad_request",
        StatusCodes.Status401Unauthorized => "unauthorized",
        StatusCodes.Status403Forbidden => "forbidden",
        StatusCodes.Status404NotFound => "not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status413PayloadTooLarge => "too_large",
        StatusCodes.Status415UnsupportedMediaType => "unsupported_media_type",
        _ => $"http_{status}",
    };

    private static string ReasonOf(int status) => status switch
    {
        StatusCodes.Status404NotFound => "no such route (the API is listed at /openapi/v1.json)",
        StatusCodes.Status405MethodNotAllowed => "the route does not take this method",
        _ => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
    };

    private static Task WriteAsync(HttpContext context, int status, ErrorBody body)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(body);
    }
}
