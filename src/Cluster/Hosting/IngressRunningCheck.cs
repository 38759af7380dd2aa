// Readiness: the Kinesis ingress runs and its last shard listing succeeded.
using Akka.Actor;
using Akka.Hosting;
using Basketball.Ingress.Consumer;
using Basketball.Ingress.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Basketball.Cluster.Hosting;

public sealed class IngressRunningCheck(IRequiredActor<KinesisIngress> ingress) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = await ingress.ActorRef.Ask<IngressStatus>(GetIngressStatus.Instance, TimeSpan.FromSeconds(2), cancellationToken);
        return status.StreamReachable
            ? HealthCheckResult.Healthy($"stream {status.Stream} reachable")
            : HealthCheckResult.Unhealthy($"the last shard listing of {status.Stream} failed");
    }
}
