// Readiness: the Kinesis ingress runs and its last shard listing succeeded.
using Akka.Actor;
using Akka.Basketball.Cluster.Http;
using Akka.Basketball.Ingress.Consumer;
using Akka.Basketball.Ingress.Hosting;
using Akka.Hosting;

namespace Akka.Basketball.Cluster.Hosting;

public sealed class IngressRunningCheck(IRequiredActor<KinesisIngress> ingress) : IReadinessCheck
{
    public string Name => "ingress";

    public async Task<bool> IsReadyAsync(CancellationToken cancellationToken)
    {
        var status = await ingress.ActorRef.Ask<IngressStatus>(GetIngressStatus.Instance, TimeSpan.FromSeconds(2), cancellationToken);
        return status.StreamReachable;
    }
}
