// /health/live (the process answers) and /health/ready (member Up, journal reachable, ingress running).
using Akka.Actor;
using Akka.Cluster;

namespace Basketball.Cluster.Http;

/// <summary>One readiness condition; features (journal, ingress) register theirs with DI.</summary>
public interface IReadinessCheck
{
    string Name { get; }

    Task<bool> IsReadyAsync(CancellationToken cancellationToken);
}

public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
        app.MapGet("/health/ready", async (IEnumerable<IReadinessCheck> checks, CancellationToken ct) =>
        {
            var results = new Dictionary<string, bool>();
            var reasons = new Dictionary<string, string>();
            foreach (var check in checks)
            {
                bool ready;
                try
                {
                    ready = await check.IsReadyAsync(ct);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    ready = false; // a failing check means not ready, for the reason it gives
                    reasons[check.Name] = ex.Message;
                }
                results[check.Name] = ready;
            }
            var allReady = results.Values.All(r => r);
            var body = new { status = allReady ? "ready" : "not_ready", checks = results, reasons };
            return allReady ? Results.Ok(body) : Results.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }
}

/// <summary>Ready once this node is an Up member of the cluster.</summary>
public sealed class ClusterMemberUpCheck(ActorSystem system) : IReadinessCheck
{
    public string Name => "cluster";

    public Task<bool> IsReadyAsync(CancellationToken cancellationToken) =>
        Task.FromResult(Akka.Cluster.Cluster.Get(system).SelfMember.Status == MemberStatus.Up);
}
