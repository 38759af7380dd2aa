// Readiness: the Kinesis ingress runs and its last shard listing succeeded.
using Akka.Actor;
using Akka.Hosting;
using Basketball.Cluster.Http;
using Basketball.Ingress.Consumer;
using Basketball.Ingress.Hosting;

namespace Basketball.Cluster.Hosting;

public sealed class IngressRunningCheck(IRequiredActor<KinesisIngress> ingress) : IReadinessCheck
{
    public string Name => "ingress";

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        var status = await ingress.ActorRef.Ask<IngressStatus>(GetIngressStatus.Instance, TimeSpan.FromSeconds(2), cancellationToken);
        return status.StreamReachable;
    }
}
