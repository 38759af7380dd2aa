// /health/live and /health/ready (SPEC §8) on ASP.NET Core's health checks. Live: Akka.Hosting's actor-system
// check. Ready: Akka.Cluster.Hosting's cluster check (this node is an Up member), the journal, the ingress. The
// paths and the JSON are the contract's: {"status": "ready"|"not_ready", "checks": {"name": true|false}}.
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Hosting.HealthChecks;
using Basketball.Cluster.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Basketball.Cluster.Http;

public static class HealthEndpoints
{
    public const string LiveTag = "live";
    public const string ReadyTag = "ready";

    // A check that has not answered by then counts as failed: a probe must answer in time even when the database hangs.
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The node's own checks; the Akka ones are added to the actor system's builder by <see cref="WithNodeHealthChecks"/>.</summary>
    public static IServiceCollection AddNodeHealthChecks(this IServiceCollection services, bool ingress)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<JournalReachableCheck>("journal", HealthStatus.Unhealthy, [ReadyTag], CheckTimeout);
        if (ingress)
            checks.AddCheck<IngressRunningCheck>("ingress", HealthStatus.Unhealthy, [ReadyTag], CheckTimeout);
        return services;
    }

    /// <summary>Akka.Hosting's actor-system liveness and Akka.Cluster.Hosting's cluster readiness, under the contract's names.</summary>
    public static AkkaConfigurationBuilder WithNodeHealthChecks(this AkkaConfigurationBuilder akka) => akka
        .WithHealthCheck("actor-system", new ActorSystemLivenessCheck(), HealthStatus.Unhealthy, [LiveTag])
        .WithHealthCheck("cluster", new AkkaClusterReadinessCheck(), HealthStatus.Unhealthy, [ReadyTag]);

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", Options(LiveTag, healthy: "live", unhealthy: "not_live", withChecks: false))
            .WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]))
            .WithSummary("Liveness: the process and its actor system answer");
        app.MapHealthChecks("/health/ready", Options(ReadyTag, healthy: "ready", unhealthy: "not_ready", withChecks: true))
            .WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]))
            .WithSummary("Readiness: an Up cluster member, the journal reachable, the ingress running (200, else 503)");
        return app;
    }

    private static HealthCheckOptions Options(string tag, string healthy, string unhealthy, bool withChecks) => new()
    {
        Predicate = registration => registration.Tags.Contains(tag),
        // Degraded is not a state of this node: a check either holds or it does not.
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
        ResponseWriter = (context, report) =>
        {
            var status = report.Status == HealthStatus.Healthy ? healthy : unhealthy;
            object body = withChecks
                ? new
                {
                    status,
                    checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status == HealthStatus.Healthy),
                    // Why a check fails, for the operator: its description, else its exception's message.
                    reasons = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy)
                        .ToDictionary(e => e.Key, e => e.Value.Description ?? e.Value.Exception?.Message ?? e.Value.Status.ToString()),
                }
                : new { status };
            return context.Response.WriteAsJsonAsync(body);
        },
    };
}
